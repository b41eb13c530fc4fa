/**
 * A small bar of actions on one cell's outputs: collapse or expand them, copy their text, download an image.
 * Rendered by CellView next to the OutputArea, which it leaves alone; CellView hides the outputs when collapsed.
 */
import * as Y from 'yjs';
import { For, Show, createSignal, onCleanup, type JSX } from 'solid-js';
import { getCell, readMeta, type Output } from '../../model';
import type { NotebookController } from '../controller';
import { fromY } from '../reactive';
import { outputsCollapsed, setOutputsCollapsed } from './collapse';
import { fileNameFor } from './files';
import { ownKeys } from './keys';
import { copyText, downloadImage, hasOutputText, outputImages, outputsText } from './output-text';
import './io.css';

/** The cell's metadata as a plain object, following changes. */
function useMetadata(nb: NotebookController, id: string): () => Record<string, unknown> {
  const md = getCell(nb.doc, id)?.get('metadata');
  if (!(md instanceof Y.Map)) return () => ({});
  return fromY(md, () => md.toJSON() as Record<string, unknown>);
}

/** Whether the outputs of cell `id` are collapsed, following the document. CellView hides its OutputArea on it. */
export function useOutputsCollapsed(nb: NotebookController, id: string): () => boolean {
  const metadata = useMetadata(nb, id);
  return () => outputsCollapsed(metadata());
}

export function OutputTools(props: { nb: NotebookController; id: string; outputs: Output[] }): JSX.Element {
  const metadata = useMetadata(props.nb, props.id);
  const collapsed = () => outputsCollapsed(metadata());
  const text = () => outputsText(props.outputs);
  const images = () => outputImages(props.outputs);
  const [status, setStatus] = createSignal<string | null>(null);
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  const say = (message: string): void => {
    setStatus(message);
    clearTimeout(timer);
    timer = setTimeout(() => setStatus(null), 4000);
  };
  const cellNumber = (): number => props.nb.order().indexOf(props.id) + 1;

  const copy = async (): Promise<void> => {
    try {
      await copyText(text());
      say('Output copied');
    } catch (e) {
      say(e instanceof Error ? e.message : String(e));
    }
  };
  const stem = (n: number, of: number): string => {
    const title = readMeta(props.nb.doc)?.title ?? 'notebook';
    return fileNameFor(`${title} cell ${cellNumber()}${of > 1 ? ` image ${n}` : ''}`, '');
  };

  return (
    <div class="io-output-tools" role="toolbar" aria-label="Output actions" ref={(el) => ownKeys(el)}>
      <button
        class="icon-btn"
        aria-label={collapsed() ? 'Expand outputs' : 'Collapse outputs'}
        aria-expanded={!collapsed()}
        title={collapsed() ? 'Show the outputs' : 'Hide the outputs'}
        onClick={() => setOutputsCollapsed(props.nb.doc, props.id, metadata(), !collapsed())}
      >
        {collapsed() ? `▸ Show ${props.outputs.length} ${props.outputs.length === 1 ? 'output' : 'outputs'}` : '▾'}
      </button>
      <Show when={!collapsed()}>
        <Show when={hasOutputText(props.outputs)}>
          <button class="icon-btn" aria-label="Copy output" title="Copy the output text" onClick={() => void copy()}>
            Copy
          </button>
        </Show>
        <For each={images()}>
          {(img, i) => (
            <button
              class="icon-btn"
              aria-label={images().length > 1 ? `Download image ${i() + 1}` : 'Download image'}
              title={`Save as ${img.ext.slice(1).toUpperCase()}`}
              onClick={() => downloadImage(img, stem(i() + 1, images().length))}
            >
              ⤓ {img.ext.slice(1).toUpperCase()}
            </button>
          )}
        </For>
      </Show>
      <Show when={status()}>
        <span class="io-muted" role="status">
          {status()}
        </span>
      </Show>
    </div>
  );
}
