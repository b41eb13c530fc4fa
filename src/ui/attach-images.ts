/**
 * Image files pasted or dropped onto a markdown cell become that cell's nbformat attachments: each is stored in
 * the document (so peers and exports get it) under a unique name, and the caller inserts the markdown that shows it.
 */
import type * as Y from 'yjs';
import {
  ATTACHABLE_IMAGE_TYPES,
  LOCAL,
  addAttachment,
  attachmentName,
  attachmentSizeProblem,
  type MimeBundle,
} from '../model';

/** The link text for an attachment, as Jupyter writes it. */
export function attachmentLink(name: string): string {
  return `![](attachment:${name})`;
}

function isAttachable(type: string): boolean {
  return (ATTACHABLE_IMAGE_TYPES as readonly string[]).includes(type);
}

function readAs(file: File, how: 'text' | 'dataUrl'): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    if (how === 'text') reader.readAsText(file);
    else reader.readAsDataURL(file);
  });
}

/** The file as nbformat stores an image: SVG as its text, bitmaps as base64. */
async function bundleOf(file: File): Promise<MimeBundle> {
  if (file.type === 'image/svg+xml') return { [file.type]: await readAs(file, 'text') };
  const url = await readAs(file, 'dataUrl');
  return { [file.type]: url.slice(url.indexOf(',') + 1) };
}

export interface AttachResult {
  /** The markdown to insert where the images go ('' when none was attached). */
  markdown: string;
  /** One message per file that was not attached, saying why. */
  problems: string[];
}

/**
 * Stores each image file as an attachment of cell `cellId` (LOCAL origin) and returns the markdown linking
 * them, one per line. A file of a type Anode cannot show, or over the size cap, is not stored: its message is
 * in `problems`, and nothing is inserted for it.
 */
export async function attachImages(doc: Y.Doc, cellId: string, files: readonly File[]): Promise<AttachResult> {
  const links: string[] = [];
  const problems: string[] = [];
  for (const file of files) {
    const label = file.name || 'The pasted image';
    if (!isAttachable(file.type)) {
      problems.push(`${label} was not attached: a markdown cell can show PNG, JPEG, GIF, WebP and SVG images, not ${file.type || 'this kind of file'}.`);
      continue;
    }
    const tooBig = attachmentSizeProblem(file.size);
    if (tooBig) {
      problems.push(`${label} was not attached. ${tooBig}`);
      continue;
    }
    let bundle: MimeBundle;
    try {
      bundle = await bundleOf(file);
    } catch (e) {
      problems.push(`${label} could not be read: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    const r = addAttachment(doc, cellId, attachmentName(file.name, file.type), bundle, LOCAL);
    if (r.ok) links.push(attachmentLink(r.name));
    else problems.push(`${label} was not attached. ${r.error}`);
  }
  return { markdown: links.join('\n'), problems };
}
