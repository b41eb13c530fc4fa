/**
 * nbformat 2 → the shape of nbformat 3, as nbformat reads a v2 file and upgrades it (`v2` reader, `v3.convert`).
 * v2 wrote text as lists of lines without their line breaks, so lists are joined with "\n" here; v3 and v4 lists
 * keep each line's break and are joined with "". The v3 upgrade (./v3.ts) does the rest.
 */
import { isObject, type JsonObject } from './json';

/** The output fields v2 wrote as line lists. */
const MULTILINE_OUTPUT_FIELDS = ['text', 'html', 'svg', 'latex', 'javascript', 'json'];

function joined(value: unknown): unknown {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value.join('\n') : value;
}

function rejoin(o: JsonObject, fields: string[]): JsonObject {
  return { ...o, ...Object.fromEntries(fields.filter((k) => o[k] !== undefined).map((k) => [k, joined(o[k])])) };
}

function upgradeCell(cell: unknown): unknown {
  if (!isObject(cell)) return cell;
  const withMetadata = { metadata: {}, ...cell };
  if (cell['cell_type'] !== 'code') return rejoin(withMetadata, ['source', 'rendered']);
  const outputs = cell['outputs'];
  return {
    ...rejoin(withMetadata, ['input']),
    ...(Array.isArray(outputs) ? { outputs: outputs.map((o) => (isObject(o) ? rejoin(o, MULTILINE_OUTPUT_FIELDS) : o)) } : {}),
  };
}

/** The v3-shaped form of a v2 notebook, marked `orig_nbformat: 2` as nbformat marks it (v3.ts moves the mark into metadata). */
export function upgradeV2(nb: JsonObject): JsonObject {
  const worksheets = nb['worksheets'];
  return {
    ...nb,
    nbformat: 3,
    nbformat_minor: 0,
    orig_nbformat: 2,
    worksheets: Array.isArray(worksheets)
      ? worksheets.map((ws) => (isObject(ws) && Array.isArray(ws['cells']) ? { ...ws, cells: ws['cells'].map(upgradeCell) } : ws))
      : worksheets,
  };
}
