/**
 * Dropping files anywhere on the app: one window-level listener set, shared by every view that asks for it (the
 * home page and the notebook each install it; the last to leave removes it). Listeners run in the capture phase
 * so an editor under the pointer does not paste the file's text into a cell instead.
 */
import { createSignal, type Accessor } from 'solid-js';

const [dragging, setDragging] = createSignal(false);

/** True while files are dragged over the window: the drop overlay shows. */
export const draggingFiles: Accessor<boolean> = dragging;

function carriesFiles(e: DragEvent): boolean {
  return e.dataTransfer?.types.includes('Files') ?? false;
}

/**
 * Images dropped onto an element marked `data-drop-zone="attachment"` (a markdown cell's editor, in edit mode)
 * are that element's: it attaches them to the cell. Read from the items, as only they are readable while dragging.
 */
function forAttachmentZone(e: DragEvent): boolean {
  const files = [...(e.dataTransfer?.items ?? [])].filter((i) => i.kind === 'file');
  if (!files.length || !files.every((i) => i.type.startsWith('image/'))) return false;
  return e.target instanceof Element && e.target.closest('[data-drop-zone="attachment"]') !== null;
}

let installs = 0;
let onFiles: ((files: File[]) => void) | null = null;
let depth = 0;

const enter = (e: DragEvent): void => {
  if (!carriesFiles(e)) return;
  e.preventDefault();
  depth++;
  setDragging(!forAttachmentZone(e));
};
const over = (e: DragEvent): void => {
  if (!carriesFiles(e)) return;
  e.preventDefault();
  if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
  setDragging(!forAttachmentZone(e));
};
const leave = (e: DragEvent): void => {
  if (!carriesFiles(e)) return;
  depth = Math.max(0, depth - 1);
  // Every element entered is left again; back to zero means the pointer left the window.
  if (depth === 0) setDragging(false);
};
const drop = (e: DragEvent): void => {
  depth = 0;
  setDragging(false);
  const files = [...(e.dataTransfer?.files ?? [])];
  if (!files.length || forAttachmentZone(e)) return;
  e.preventDefault();
  e.stopPropagation();
  onFiles?.(files);
};

/** Routes files dropped on the window to `handler` while installed; returns the uninstaller. */
export function installFileDrop(handler: (files: File[]) => void): () => void {
  onFiles = handler;
  if (installs++ === 0) {
    window.addEventListener('dragenter', enter, true);
    window.addEventListener('dragover', over, true);
    window.addEventListener('dragleave', leave, true);
    window.addEventListener('drop', drop, true);
  }
  let done = false;
  return () => {
    if (done) return;
    done = true;
    if (--installs > 0) return;
    onFiles = null;
    depth = 0;
    setDragging(false);
    window.removeEventListener('dragenter', enter, true);
    window.removeEventListener('dragover', over, true);
    window.removeEventListener('dragleave', leave, true);
    window.removeEventListener('drop', drop, true);
  };
}
