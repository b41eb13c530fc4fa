/**
 * Cell attachments: nbformat's `attachments` of markdown and raw cells ({ "name.png": { "image/png": base64 } }),
 * the files a markdown cell shows with `![](attachment:name.png)`.
 *
 * Stored in the cell's `attachments` field: a Y.Map from name to one plain JSON MIME bundle, the base64 text
 * exactly as it came (from a file or a paste), so export writes it back byte for byte. One entry per name means
 * two peers pasting different images into the same cell both keep theirs (a single JSON value for all of them
 * would keep only the last writer's), and adding an image never re-sends the others.
 *
 * The map is created when a cell first gets attachments (an import of a cell with an `attachments` field, even an
 * empty one, or the first paste), not with every cell, so a file's `"attachments": {}` exports as it came and
 * cells without attachments export without the field. The cost: two peers whose FIRST attachment in the same cell
 * is added while they cannot see each other both create the map, and one map (with its image) wins.
 *
 * Documents written before this field existed kept attachments in `metadata.attachments` (one JSON value);
 * `readAttachments` still reads it, and the first `addAttachment` to such a cell moves it into the field.
 */
import * as Y from 'yjs';
import { cellsMap } from './doc';
import type { Origin } from './origin';
import type { MimeBundle } from './schema';

/** A cell's attachments, name → MIME bundle, as nbformat holds them. */
export type Attachments = Record<string, MimeBundle>;

/** The cell field holding the attachments map. */
export const ATTACHMENTS_FIELD = 'attachments';
/** Where documents written before the field kept attachments: one JSON value in the cell's metadata. */
export const LEGACY_ATTACHMENTS_KEY = 'attachments';

/** One attachment holds at most this many bytes of file (before base64), as a rich output may. */
export const MAX_ATTACHMENT_BYTES = 5_000_000;

/** The image types a markdown cell shows as attachments; pasting or dropping anything else is not an attachment. */
export const ATTACHABLE_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/svg+xml'] as const;

/** File extensions of each attachable type, the one given to a name without one first. */
const EXTENSIONS: Record<string, string[]> = { 'image/png': ['png'], 'image/jpeg': ['jpg', 'jpeg'], 'image/gif': ['gif'], 'image/webp': ['webp'], 'image/svg+xml': ['svg'] };

function isBundle(v: unknown): v is MimeBundle {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The legacy `metadata.attachments` value of a markdown or raw cell, when it has the shape of attachments (older
 * builds put them there for those types only; on a code cell the key is just metadata).
 */
export function legacyAttachments(type: unknown, metadata: unknown): Attachments | null {
  if (type !== 'markdown' && type !== 'raw') return null;
  if (!(metadata instanceof Y.Map) && !isBundle(metadata)) return null;
  const v = metadata instanceof Y.Map ? metadata.get(LEGACY_ATTACHMENTS_KEY) : metadata[LEGACY_ATTACHMENTS_KEY];
  return isBundle(v) && Object.values(v).every(isBundle) ? (v as Attachments) : null;
}

/** The cell's attachments map, if it has one. */
export function cellAttachments(cell: Y.Map<unknown>): Y.Map<unknown> | null {
  const a = cell.get(ATTACHMENTS_FIELD);
  return a instanceof Y.Map ? a : null;
}

/**
 * A cell's attachments as plain values (legacy metadata entries first, the field's entries over them), or null
 * when the cell has neither: "no attachments field" and "an empty one" stay distinct, as in the file.
 * Entries that are not MIME bundles (a misbehaving peer) are left out.
 */
export function readAttachments(cell: Y.Map<unknown>): Attachments | null {
  const field = cellAttachments(cell);
  const legacy = legacyAttachments(cell.get('type'), cell.get('metadata'));
  if (!field && !legacy) return null;
  const out: Attachments = { ...legacy };
  field?.forEach((bundle, name) => {
    // Assigning "__proto__" would set the object's prototype, not add an entry (only a misbehaving peer writes it).
    if (isBundle(bundle) && name !== '__proto__') out[name] = bundle;
  });
  return out;
}

/**
 * A safe attachment name from a file name: letters, digits, `.`, `_` and `-` only (so the name needs no
 * escaping inside `![](attachment:…)`), with the extension of its image type, `image.png` when nothing is left.
 */
export function attachmentName(fileName: string, mime: string): string {
  const base = (fileName.split(/[\\/]/).pop() ?? '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-+\./g, '.')
    .replace(/^[.-]+|[.-]+$/g, '');
  const exts = EXTENSIONS[mime];
  if (!exts) return base || 'attachment';
  const m = /^(.*)\.([A-Za-z0-9]+)$/.exec(base);
  if (m && exts.includes(m[2]!.toLowerCase())) return base;
  return `${(m ? m[1] : base) || 'image'}.${exts[0]}`;
}

/** `name` if unused, else `stem-1.ext`, `stem-2.ext`… */
export function uniqueAttachmentName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let i = 1; ; i++) {
    const candidate = `${stem}-${i}${ext}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** The size in bytes of one MIME bundle entry: base64 decoded for binary types, the text itself for text types. */
export function mimeDataBytes(mime: string, value: unknown): number {
  const text = Array.isArray(value) ? value.join('') : value;
  if (typeof text !== 'string') return 0;
  if (mime.startsWith('text/') || mime === 'image/svg+xml' || /json$/.test(mime)) return text.length;
  return Math.floor((text.replace(/\s+/g, '').length * 3) / 4);
}

/** The message for an attachment of `bytes` bytes if it is over the cap, else null. */
export function attachmentSizeProblem(bytes: number, maxBytes = MAX_ATTACHMENT_BYTES): string | null {
  if (bytes <= maxBytes) return null;
  const mb = (n: number): string => `${(n / 1_000_000).toFixed(1)} MB`;
  return `This image is ${mb(bytes)}; a cell attachment can be at most ${mb(maxBytes)}. Make it smaller and paste it again.`;
}

export type AddAttachmentResult = { ok: true; name: string } | { ok: false; error: string };

/**
 * Stores `bundle` as a new attachment of cell `cellId` under `name`, or under `name-1`… when that name is taken,
 * in one transaction. Returns the name it was stored under: the text to link is `![](attachment:<name>)`.
 * A bundle over `MAX_ATTACHMENT_BYTES` of base64-decoded data is refused.
 */
export function addAttachment(doc: Y.Doc, cellId: string, name: string, bundle: MimeBundle, origin: Origin): AddAttachmentResult {
  const bytes = Object.entries(bundle).reduce((n, [mime, v]) => n + mimeDataBytes(mime, v), 0);
  const tooBig = attachmentSizeProblem(bytes);
  if (tooBig) return { ok: false, error: tooBig };
  let stored: string | null = null;
  doc.transact(() => {
    const cell = cellsMap(doc).get(cellId);
    if (!(cell instanceof Y.Map)) return;
    let map = cellAttachments(cell);
    if (!map) {
      map = new Y.Map<unknown>();
      cell.set(ATTACHMENTS_FIELD, map);
    }
    const md = cell.get('metadata');
    const legacy = legacyAttachments(cell.get('type'), md);
    if (legacy && md instanceof Y.Map) {
      // Moved, not copied: one place for each attachment from now on.
      for (const [n, b] of Object.entries(legacy)) if (!map.has(n)) map.set(n, b);
      md.delete(LEGACY_ATTACHMENTS_KEY);
    }
    stored = uniqueAttachmentName(name, new Set(map.keys()));
    map.set(stored, bundle);
  }, origin);
  return stored === null ? { ok: false, error: 'The cell no longer exists.' } : { ok: true, name: stored };
}
