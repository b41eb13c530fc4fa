import { render } from 'solid-js/web';
import { PwaStatus } from './PwaStatus';

let mounted = false;

/**
 * `<PwaStatus />` in a root of its own, so no file of the UI has to change: App's top level is a <Switch> (one
 * more line there would need a wrapper), and the strip is fixed-position, so it needs no place in the layout.
 */
export function mountPwaStatus(): void {
  if (mounted) return;
  mounted = true;
  const host = document.createElement('div');
  host.id = 'pwa-root';
  document.body.append(host);
  render(() => <PwaStatus />, host);
}
