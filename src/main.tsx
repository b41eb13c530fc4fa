import { render } from 'solid-js/web';
import { App } from './ui/App';
import { tabKernel } from './ui/services';
import './ui/styles.css';
import { startPwa } from './pwa';

// The kernel boots first, in parallel with the UI: Pyodide's start is the slowest thing on the page.
tabKernel();
render(() => <App />, document.getElementById('root')!);
startPwa();
