/** What of a cell's outputs can be copied as text or saved as an image file. */
import type { Output } from '../../model';
import { base64Bytes, downloadBlob } from './files';

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;

function text(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join('');
  return null;
}

/** One output as plain text: a stream's text, an error's traceback, a result's text/plain; null if it has none. */
export function outputText(out: Output): string | null {
  switch (out.output_type) {
    case 'stream':
      return out.text.replace(ANSI, '').replace(/\r$/, '');
    case 'error': {
      const tb = out.traceback.join('\n').replace(ANSI, '');
      return tb || `${out.ename}: ${out.evalue}`;
    }
    case 'execute_result':
    case 'display_data':
      return text(out.data['text/plain'])?.replace(ANSI, '') ?? null;
    default:
      return null;
  }
}

/** Whether any output has text to copy: cheap (it stops at the first), as it is asked on every change of a flood. */
export function hasOutputText(outputs: readonly Output[]): boolean {
  return outputs.some((out) => !!outputText(out));
}

/** The text of all of a cell's outputs, in order, as the user reads them (streams run on, others on new lines). */
export function outputsText(outputs: readonly Output[]): string {
  let all = '';
  for (const out of outputs) {
    const t = outputText(out);
    if (t === null || t === '') continue;
    if (all && !all.endsWith('\n')) all += '\n';
    all += t;
  }
  return all.replace(/\n$/, '');
}

/** An image a cell displayed: which output, its type and file extension. */
export interface OutputImage {
  index: number;
  mime: 'image/png' | 'image/jpeg' | 'image/gif' | 'image/svg+xml';
  ext: string;
  data: string;
}

const IMAGE_TYPES: ReadonlyArray<[OutputImage['mime'], string]> = [
  ['image/png', '.png'],
  ['image/jpeg', '.jpg'],
  ['image/gif', '.gif'],
  ['image/svg+xml', '.svg'],
];

/** Every image among the outputs (one per output: the richest raster, else SVG). */
export function outputImages(outputs: readonly Output[]): OutputImage[] {
  const found: OutputImage[] = [];
  outputs.forEach((out, index) => {
    if (out.output_type !== 'display_data' && out.output_type !== 'execute_result') return;
    for (const [mime, ext] of IMAGE_TYPES) {
      const data = text(out.data[mime]);
      if (data) {
        found.push({ index, mime, ext, data });
        return;
      }
    }
  });
  return found;
}

/** Saves an image output as a file named `stem` plus its extension. */
export function downloadImage(image: OutputImage, stem: string): void {
  const body = image.mime === 'image/svg+xml' ? image.data : base64Bytes(image.data);
  downloadBlob(new Blob([body], { type: image.mime }), `${stem}${image.ext}`);
}

/** Puts `text` on the clipboard; the promise rejects with a message the user can act on. */
export async function copyText(value: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(value);
  } catch (e) {
    throw new Error(`The browser did not allow copying (${e instanceof Error ? e.message : String(e)}). Select the output and copy it instead.`);
  }
}
