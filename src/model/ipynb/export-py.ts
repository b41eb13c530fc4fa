/** Writing a notebook as a Python script in the percent format (Spyder, VS Code, PyCharm, jupytext). */
import type * as Y from 'yjs';
import { cellOrder, snapshotCell, type CellSnapshot } from '../cells';

/** Text as comment lines (`# text`, a bare `#` for an empty line), so the script stays runnable Python. */
function commented(source: string): string {
  if (source === '') return '';
  return source
    .replace(/\r\n?/g, '\n')
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => (line === '' ? '#' : `# ${line}`))
    .join('\n');
}

function cellText(cell: CellSnapshot): string {
  switch (cell.type) {
    case 'code':
      return '# %%\n' + cell.source.replace(/\n$/, '');
    case 'markdown':
      return '# %% [markdown]\n' + commented(cell.source);
    case 'raw':
      return '# %% [raw]\n' + commented(cell.source);
    case 'ai':
    case 'sql':
      // An AI prompt or a query is not Python: commented, so the script still runs; the marker names the type.
      return `# %% [${cell.type}]\n` + commented(cell.source);
  }
}

/**
 * The notebook as a `.py` script in the percent format: `# %%` before each code cell, `# %% [markdown]` and
 * `# %% [raw]` before markdown and raw cells whose lines are commented out (`# `), `# %% [ai]` / `# %% [sql]`
 * likewise for Anode's own cells. Cells are separated by a blank line; outputs are not included.
 */
export function exportPercentScript(doc: Y.Doc): string {
  const parts = cellOrder(doc).flatMap((id) => {
    const snap = snapshotCell(doc, id);
    return snap ? [cellText(snap).replace(/\n+$/, '')] : [];
  });
  return parts.length ? parts.join('\n\n') + '\n' : '';
}
