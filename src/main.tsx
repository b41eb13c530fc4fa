import { render } from 'solid-js/web';
import { App } from './ui/App';
import { tabKernel } from './ui/services';
import { loadEditor } from './ui/editor-loader';
import './ui/styles.css';
import { startPwa } from './pwa';

// The kernel boots first, in parallel with the UI: Pyodide's start is the slowest thing on the page.
tabKernel();
render(() => <App />, document.getElementById('root')!);
// The editor is not part of the first paint; fetched now, it is in by the time a notebook's cells want it. A failed
// load here is retried by the first cell that needs the editor, which reports it.
loadEditor().catch(() => {});
startPwa();
