import type { JSX } from 'solid-js';

/** The "Import" button (file picker, URL) and drag-and-drop of .ipynb files onto the app. */
export function ImportControls(): JSX.Element {
  return null;
}
