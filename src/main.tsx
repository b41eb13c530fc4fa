import { render } from 'solid-js/web';
render(() => <div>Anode</div>, document.getElementById('root')!);
