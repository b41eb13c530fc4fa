/**
 * The markdown editor's side of attachments: an image pasted (Ctrl+V) or dropped onto it is handed to `attach`,
 * which stores it in the cell, and the markdown it returns is inserted at the cursor or where the image was
 * dropped. The editor's content is marked `data-drop-zone="attachment"`, which tells the app-wide file drop
 * (io/drop.ts) to leave image drops here to the editor.
 */
import { EditorView } from '@codemirror/view';
import type { Extension } from '@codemirror/state';

/** Stores image files as the cell's attachments; resolves to the markdown to insert, or null for nothing. */
export type AttachImages = (files: File[]) => Promise<string | null>;

function imageFiles(data: DataTransfer | null): File[] {
  return [...(data?.files ?? [])].filter((f) => f.type.startsWith('image/'));
}

function insertWhenAttached(view: EditorView, pending: Promise<string | null>): void {
  void pending.then((text) => {
    // The cell may have left the page while the file was read: the attachment is stored, the link has no place.
    if (!text || !view.dom.isConnected) return;
    view.dispatch(view.state.replaceSelection(text), { userEvent: 'input.paste', scrollIntoView: true });
  });
}

export function imageAttachments(attach: AttachImages): Extension {
  return [
    EditorView.contentAttributes.of({ 'data-drop-zone': 'attachment' }),
    EditorView.domEventHandlers({
      paste(event, view) {
        // A copied web image comes with its HTML too: the image is what the user meant.
        const files = imageFiles(event.clipboardData);
        if (!files.length) return false;
        insertWhenAttached(view, attach(files));
        return true;
      },
      drop(event, view) {
        const all = [...(event.dataTransfer?.files ?? [])];
        const files = imageFiles(event.dataTransfer);
        // Anything but images was taken by the app-wide drop before it got here; this is a safeguard.
        if (!files.length || files.length !== all.length) return false;
        const pos = view.posAtCoords({ x: event.clientX, y: event.clientY }, false);
        view.focus();
        view.dispatch({ selection: { anchor: pos } });
        insertWhenAttached(view, attach(files));
        return true;
      },
    }),
  ];
}
