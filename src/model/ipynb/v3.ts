/**
 * nbformat 3 → the shape of nbformat 4, as nbformat's own `v4.convert.upgrade` does it: worksheets flattened,
 * `input`/`prompt_number` renamed, heading cells turned into markdown, `pyout`/`pyerr` outputs renamed and
 * their short MIME keys (`png`, `html`...) expanded. Only the shape changes: the v4 reader validates the result,
 * so anything malformed is passed along for it to name.
 */
import { parseJson } from './exact-json';
import { isObject, type JsonObject } from './json';
import { invalid } from './invalid';
import { isMultiline, joinLines } from './lines';

const MIME: Record<string, string> = {
  text: 'text/plain',
  html: 'text/html',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpeg: 'image/jpeg',
  latex: 'text/latex',
  json: 'application/json',
  javascript: 'application/javascript',
  markdown: 'text/markdown',
  pdf: 'application/pdf',
};
/** Fields of a v3 pyout/display_data output that are not MIME data (`text` is: text/plain). */
const OUTPUT_FIELDS = new Set(['output_type', 'prompt_number', 'metadata']);

function upgradeOutput(out: unknown): unknown {
  if (!isObject(out)) return out;
  const type = out['output_type'];
  if (type === 'stream') return { output_type: 'stream', name: out['stream'] ?? 'stdout', text: out['text'] ?? '' };
  if (type === 'pyerr' || type === 'error') {
    return { output_type: 'error', ename: out['ename'], evalue: out['evalue'], traceback: out['traceback'] };
  }
  if (type !== 'pyout' && type !== 'display_data') return out;
  const data = Object.fromEntries(
    Object.entries(out)
      .filter(([k]) => !OUTPUT_FIELDS.has(k))
      .map(([k, v]) => [MIME[k] ?? k, v]),
  );
  // v3 kept JSON output as its text; nbformat parses it on the upgrade.
  const json = data['application/json'];
  if (typeof json === 'string') {
    try {
      data['application/json'] = parseJson(json);
    } catch {
      // Not JSON after all (nbformat would refuse the file): kept as the text it is, which loses nothing.
    }
  }
  const md = out['metadata'];
  const metadata = isObject(md) ? Object.fromEntries(Object.entries(md).map(([k, v]) => [MIME[k] ?? k, v])) : md;
  return type === 'pyout'
    ? { output_type: 'execute_result', execution_count: out['prompt_number'] ?? null, data, metadata }
    : { output_type: 'display_data', data, metadata };
}

function upgradeCell(cell: unknown): unknown {
  if (!isObject(cell)) return cell;
  const metadata = cell['metadata'] ?? {};
  switch (cell['cell_type']) {
    case 'code': {
      const md = isObject(metadata) && typeof cell['collapsed'] === 'boolean' ? { ...metadata, collapsed: cell['collapsed'] } : metadata;
      return {
        cell_type: 'code',
        source: cell['input'] ?? '',
        metadata: md,
        outputs: Array.isArray(cell['outputs']) ? cell['outputs'].map(upgradeOutput) : cell['outputs'],
        execution_count: cell['prompt_number'] ?? null,
      };
    }
    case 'heading': {
      const level = typeof cell['level'] === 'number' ? Math.min(Math.max(Math.trunc(cell['level']), 1), 6) : 1;
      const src = cell['source'];
      // nbformat joins a heading's lines with spaces: a markdown heading is one line.
      const text = isMultiline(src) ? joinLines(src).replace(/\n/g, ' ') : src;
      return { cell_type: 'markdown', source: typeof text === 'string' ? `${'#'.repeat(level)} ${text}` : text, metadata };
    }
    default:
      return cell;
  }
}

/**
 * The v4-shaped form of a v3 notebook (minor 0, no ids), marked as nbformat marks an upgrade:
 * `metadata.orig_nbformat` and `metadata.orig_nbformat_minor` (the values the file carried over from an earlier
 * upgrade, else 3 and 0). The notebook signature goes, as nbformat drops it: it signed the v3 file.
 */
export function upgradeV3(nb: JsonObject): JsonObject {
  const worksheets = nb['worksheets'] ?? [];
  if (!Array.isArray(worksheets)) invalid('This nbformat 3 notebook is damaged: "worksheets" must be a list');
  const cells: unknown[] = [];
  worksheets.forEach((ws, i) => {
    const wsCells = isObject(ws) ? ws['cells'] ?? [] : undefined;
    if (!Array.isArray(wsCells)) invalid(`This nbformat 3 notebook is damaged: worksheet ${i + 1} has no list of cells`);
    cells.push(...wsCells.map(upgradeCell));
  });
  const meta = nb['metadata'];
  let metadata: unknown = meta;
  if (isObject(meta)) {
    // v3 kept the notebook's name in metadata; v4 takes it as the title.
    const { name, signature: _signed, ...rest } = meta;
    metadata = {
      ...rest,
      ...(typeof name === 'string' && name !== '' ? { title: name } : {}),
      orig_nbformat: nb['orig_nbformat'] || 3,
      orig_nbformat_minor: nb['orig_nbformat_minor'] || 0,
    };
  }
  return { nbformat: 4, nbformat_minor: 0, metadata, cells };
}
