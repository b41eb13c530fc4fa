/**
 * "What the AI sees": the exact body the next turn of this cell would send (system prompt with the notebook
 * above, the conversation, the tools), as JSON. The key travels only in a request header and is not in it.
 */
import type { JSX } from 'solid-js';
import type * as Y from 'yjs';
import { previewAiRequest, readAiSettings } from '../../ai';
import { Dialog } from '../Dialog';

export function RequestPreviewDialog(props: { doc: Y.Doc; cellId: string; onClose: () => void }): JSX.Element {
  // A snapshot taken when the dialog opens: the request as it would be sent now.
  const settings = readAiSettings();
  const json = JSON.stringify(previewAiRequest(props.doc, props.cellId, settings), null, 2);
  const host = settings.baseURL ?? 'https://api.anthropic.com';
  return (
    <Dialog title="What the AI sees" onClose={() => props.onClose()}>
      <p class="ai-dialog-note">
        The request this cell sends to {host} when you run it now. Cells hidden from AI are not in it; your API key is
        sent in a header and is not shown.
      </p>
      <pre class="ai-request" data-testid="ai-request-json" tabindex="0">
        {json}
      </pre>
      <div class="dialog-actions">
        <button type="button" onClick={() => void navigator.clipboard?.writeText(json)}>
          Copy
        </button>
        <button type="button" class="primary" onClick={() => props.onClose()}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
