/**
 * Reading a .ipynb file: nbformat 4.0–4.5 (and 3 and 2, upgraded on the way in) → a validated `ParsedNotebook`.
 * Everything is checked before anything is created, so a bad file imports nothing half-way.
 */
import { newId } from '../id';
import { capLargeOutput, capStreamText } from '../outputs';
import { legacyAttachments, type Attachments } from '../attachments';
import type { Output } from '../schema';
import { decodeAnodeCell } from './anode-cells';
import { isNbformatCellId } from './cell-id';
import { InvalidNotebook, invalid } from './invalid';
import { parseJson } from './exact-json';
import { asNumber, describe, isObject, withinDepth, type JsonObject } from './json';
import { isMultiline, joinLines } from './lines';
import { cleanCellMetadata, cleanNotebookMetadata } from './metadata';
import { parseBundle, parseCount, parseOutput } from './parse-output';
import { ATTACHMENTS_KEY, MAX_IPYNB_BYTES, type ParseResult, type ParsedCell, type ParsedNotebook } from './types';
import { upgradeV2 } from './v2';
import { upgradeV3 } from './v3';

/** The newest nbformat 4 minor version this reader knows; newer minors are read with a warning. */
export const NBFORMAT_MINOR = 5;

const MAX_WARNINGS = 50;

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * The message for a file of `bytes` bytes if it is over the limit, else null. The UI can call this with
 * `File.size` before reading the file at all.
 */
export function checkIpynbSize(bytes: number, maxBytes = MAX_IPYNB_BYTES): string | null {
  if (bytes <= maxBytes) return null;
  return `This file is ${megabytes(bytes)}; Anode opens notebooks up to ${megabytes(maxBytes)}. Clear large outputs in Jupyter and try again.`;
}

/** UTF-8 size of `text`, computed only when its length leaves the answer in doubt. */
function exceedsBytes(text: string, maxBytes: number): number | null {
  if (text.length > maxBytes) return text.length; // at least one byte per UTF-16 unit
  if (text.length * 3 <= maxBytes) return null; // at most three bytes per UTF-16 unit
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xe000 ? 2 : 3; // a surrogate pair: 2 + 2
  }
  return bytes > maxBytes ? bytes : null;
}

/**
 * The file's JSON, with number literals JavaScript would change kept as written (see ./exact-json.ts) and any key
 * named "__proto__" (escaped or not) dropped: Yjs and plain-object copies rebuild objects by assignment, where such
 * a key would replace the object's prototype instead of being data.
 */
function readJson(text: string, warnings: string[]): unknown {
  let dropped = false;
  try {
    const value = parseJson(text, () => (dropped = true));
    if (dropped) warnings.push('keys named "__proto__" were left out');
    return value;
  } catch {
    // Not JSON: the engine's own parser says what is wrong, in the words users search for.
  }
  try {
    JSON.parse(text);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    // Engines word it differently ("Unexpected end of JSON input", "unexpected end of data", "Unexpected EOF"), or
    // only say what they expected at a position that turns out to be the very end of the text.
    const at = /position (\d+)/.exec(why);
    const atEnd = at !== null && Number(at[1]) >= text.trimEnd().length;
    if (atEnd || /end of (JSON )?(input|data)|Unterminated|EOF/i.test(why)) {
      return invalid(`This file is not a complete notebook: it ends too early, as if it was cut off (${why}).`);
    }
    return invalid(`This file is not valid JSON, so it is not a notebook (${why}).`);
  }
  return invalid('This notebook could not be read: its JSON is valid, but Anode\'s reader failed on it.');
}

/** A stored output kept within the document's caps (see ../outputs.ts), saying so when it was cut. */
function capped(out: Output, where: string, warnings: string[]): Output {
  if (out.output_type === 'stream') {
    const text = capStreamText(out.text);
    if (text !== out.text) warnings.push(`${where}: long ${out.name} output was truncated to its last lines`);
    return text === out.text ? out : { ...out, text };
  }
  const kept = capLargeOutput(out);
  if (kept !== out) warnings.push(`${where}: ${(JSON.stringify(out).length / 1e6).toFixed(1)} MB output was replaced by a notice`);
  return kept;
}

function parseCellMetadata(raw: unknown, where: string): JsonObject {
  if (raw === undefined) return {};
  if (!isObject(raw)) invalid(`${where}: metadata must be an object, not ${describe(raw)}`);
  if (!withinDepth(raw)) invalid(`${where}: metadata is nested too deeply`);
  return raw;
}

function parseCell(raw: unknown, index: number, minor: number, ids: Set<string>, warnings: string[]): ParsedCell {
  const where = `cell ${index + 1}`;
  if (!isObject(raw)) invalid(`${where} must be an object, not ${describe(raw)}`);

  const rawType = raw['cell_type'];
  if (rawType === undefined) invalid(`${where}: missing cell_type`);
  if (typeof rawType !== 'string') invalid(`${where}: cell_type must be a string, not ${describe(rawType)}`);
  const known = rawType === 'code' || rawType === 'markdown' || rawType === 'raw';
  const nbType = known ? rawType : 'raw';
  // nbformat lets future minors add cell types of any shape; as a raw cell, the text (if it has any) is kept.
  if (!known) warnings.push(`${where}: unknown cell type "${rawType}" was imported as a raw cell`);

  const rawSource = known ? raw['source'] : raw['source'] ?? '';
  if (rawSource === undefined) invalid(`${where}: missing source`);
  if (!isMultiline(rawSource)) invalid(`${where}: source must be a string or list of strings, not ${describe(rawSource)}`);

  const cleaned = cleanCellMetadata(parseCellMetadata(raw['metadata'], where), nbType);
  for (const k of cleaned.dropped) warnings.push(`${where}: metadata field "${k}" had an invalid value and was dropped`);
  let metadata = cleaned.metadata;

  let outputs: Output[] = [];
  let executionCount: number | null = null;
  let attachments: Attachments | undefined;
  if (nbType === 'code') {
    const rawOutputs = raw['outputs'] ?? [];
    if (!Array.isArray(rawOutputs)) invalid(`${where}: outputs must be a list, not ${describe(rawOutputs)}`);
    outputs = rawOutputs.flatMap((o, j) => {
      const out = parseOutput(o, `${where}, output ${j + 1}`, warnings);
      return out ? [capped(out, `${where}, output ${j + 1}`, warnings)] : [];
    });
    executionCount = parseCount(raw['execution_count'], where);
    if (raw['attachments'] !== undefined) warnings.push(`${where}: attachments on a code cell were left out`);
  } else if (raw['attachments'] !== undefined) {
    const att = raw['attachments'];
    if (!isObject(att)) invalid(`${where}: attachments must be an object, not ${describe(att)}`);
    attachments = Object.fromEntries(
      Object.entries(att).map(([name, bundle]) => [name, parseBundle(bundle, `${where}: attachment "${name}"`)]),
    );
  }
  if (legacyAttachments(nbType, metadata)) {
    // Anode once kept attachments there, so a document would read this metadata as the cell's attachments.
    warnings.push(`${where}: metadata field "${ATTACHMENTS_KEY}" was left out (a cell's attachments belong in its "attachments" field)`);
    metadata = Object.fromEntries(Object.entries(metadata).filter(([k]) => k !== ATTACHMENTS_KEY));
  }

  const rawId = raw['id'];
  let id: string;
  if (typeof rawId === 'string' && isNbformatCellId(rawId) && !ids.has(rawId)) id = rawId;
  else {
    id = newId();
    while (ids.has(id)) id = newId();
    if (rawId !== undefined) {
      const why = isNbformatCellId(rawId) ? `repeats the id of an earlier cell` : `is not a valid cell id`;
      warnings.push(`${where}: id ${describe(rawId)} ${why}; it was given the new id "${id}"`);
    } else if (minor >= 5) {
      warnings.push(`${where}: has no id; it was given the id "${id}"`);
    }
  }
  ids.add(id);

  const cell = decodeAnodeCell(nbType, joinLines(rawSource), metadata);
  return { id, type: cell.type, source: cell.source, metadata: cell.metadata, outputs, executionCount, ...(attachments ? { attachments } : {}) };
}

function parseNotebook(text: string, maxBytes: number): ParsedNotebook {
  if (typeof text !== 'string') invalid('Expected the text of a .ipynb file.');
  const bytes = exceedsBytes(text, maxBytes);
  if (bytes !== null) invalid(checkIpynbSize(bytes, maxBytes)!);
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // a byte-order mark some editors add
  if (body.trim() === '') invalid('This file is empty.');

  const warnings: string[] = [];
  const json = readJson(body, warnings);
  const notNotebook = 'This file is JSON but not a Jupyter notebook';
  if (!isObject(json)) invalid(`${notNotebook}: it holds ${describe(json)}, not an object with "nbformat" and "cells".`);
  const major = asNumber(json['nbformat']);
  if (major === undefined) invalid(`${notNotebook}: it has no "nbformat" version.`);
  if (typeof major !== 'number' || !Number.isInteger(major)) {
    invalid(`${notNotebook}: "nbformat" must be a whole number, not ${describe(major)}.`);
  }
  if (major > 4) invalid(`This notebook uses nbformat ${major}, newer than Anode reads (4.0–4.5, 3 and 2).`);
  if (major < 2) invalid(`This notebook uses nbformat ${major}, older than Anode reads (4.0–4.5, 3 and 2). Open and save it in Jupyter to upgrade it.`);

  const origMinor: unknown = asNumber(json['nbformat_minor'] ?? 0);
  if (typeof origMinor !== 'number' || !Number.isInteger(origMinor) || origMinor < 0) {
    invalid(`This notebook is damaged: "nbformat_minor" must be a whole number, not ${describe(origMinor)}.`);
  }
  const origMinorNumber: number = origMinor;
  const nb = major === 4 ? json : upgradeV3(major === 2 ? upgradeV2(json) : json);
  const minor = major === 4 ? origMinorNumber : 0;
  if (major === 4 && minor > NBFORMAT_MINOR) {
    warnings.push(`This notebook uses nbformat 4.${minor}, newer than 4.${NBFORMAT_MINOR}; fields Anode does not know were left out.`);
  }

  const rawMeta = nb['metadata'] ?? {};
  if (!isObject(rawMeta)) invalid(`This notebook is damaged: its metadata must be an object, not ${describe(rawMeta)}.`);
  if (!withinDepth(rawMeta)) invalid('This notebook is damaged: its metadata is nested too deeply.');
  const cleaned = cleanNotebookMetadata(rawMeta);
  for (const k of cleaned.dropped) warnings.push(`notebook metadata field "${k}" had an invalid value and was dropped`);
  const { title: metaTitle, ...metadata } = cleaned.metadata;
  const colab = metadata['colab'];
  const colabName = isObject(colab) && typeof colab['name'] === 'string' ? colab['name'].replace(/\.ipynb$/i, '') : '';
  const title = typeof metaTitle === 'string' && metaTitle.trim() !== '' ? metaTitle : null;
  const suggestedTitle = colabName.trim() !== '' ? colabName : null;

  const rawCells = nb['cells'];
  if (rawCells === undefined) invalid(`${notNotebook}: it has no "cells" list.`);
  if (!Array.isArray(rawCells)) invalid(`This notebook is damaged: "cells" must be a list, not ${describe(rawCells)}.`);
  const ids = new Set<string>();
  const cells = rawCells.map((c, i) => parseCell(c, i, minor, ids, warnings));

  // A notebook of thousands of id-less cells should not bury the user in thousands of identical lines.
  const shown = warnings.length > MAX_WARNINGS ? [...warnings.slice(0, MAX_WARNINGS), `…and ${warnings.length - MAX_WARNINGS} more`] : warnings;
  return { nbformat: major, nbformatMinor: origMinorNumber, metadata, title, suggestedTitle, cells, warnings: shown };
}

/**
 * Reads the text of a .ipynb file. Never throws: a truncated file, JSON that is not a notebook, an unknown
 * nbformat version, a file over `maxBytes` (default 100 MB) or a cell with an invalid field gives
 * `{ ok: false, error }`, a message naming the problem and where ("cell 3: source must be a string or list of
 * strings"; cells and outputs counted from 1). Line lists are joined; missing cell ids (before 4.5) and
 * duplicated or invalid ones are generated; repairs are listed in `notebook.warnings`.
 */
export function parseIpynb(text: string, opts: { maxBytes?: number } = {}): ParseResult {
  try {
    return { ok: true, notebook: parseNotebook(text, opts.maxBytes ?? MAX_IPYNB_BYTES) };
  } catch (e) {
    if (e instanceof InvalidNotebook) return { ok: false, error: e.message };
    // Not reachable by design; a stack overflow or out-of-memory on a hostile file still gets a readable answer.
    return { ok: false, error: `This notebook could not be read: ${e instanceof Error ? e.message : String(e)}` };
  }
}
