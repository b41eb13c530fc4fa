/** AI cells and SQL cells: the model sees a SQL cell, its result variable and its result; its tools create and run SQL cells. */
import { describe, expect, it } from 'vitest';
import { EXECUTOR, LOCAL, appendOutputs, cellOrder, createNotebookDoc, liveRuns, setSqlResultName, snapshotCell, sqlResultName } from '../../src/model';
import { buildContext } from '../../src/ai';
import { executeTool, type ToolEnv } from '../../src/ai/tools';

function notebook() {
  const doc = createNotebookDoc({
    title: 'Demo',
    cells: [
      { id: 's1', type: 'sql', source: 'SELECT region, SUM(amount) AS total\nFROM sales GROUP BY region' },
      { id: 'ai', type: 'ai', source: 'What is the best region?' },
    ],
  });
  setSqlResultName(doc, 's1', 'totals', LOCAL);
  appendOutputs(doc, 's1', [{ output_type: 'display_data', data: { 'text/html': '<table>…</table>', 'text/plain': 'region  total\nnorth   15\nsouth   20\n2 rows × 2 columns · 4 ms · in totals (SqlTable)' }, metadata: {} }], EXECUTOR);
  return doc;
}

describe('context', () => {
  it('shows a SQL cell with its query, its result variable and its result as text', () => {
    const system = buildContext(notebook(), 'ai').system;
    expect(system).toContain('<cell id="s1" type="sql" index="0" result_variable="totals">');
    expect(system).toContain('FROM sales GROUP BY region');
    expect(system).toContain('south   20');
    expect(system).toContain('SQL cells (type "sql") are DuckDB queries');
  });
});

describe('tools', () => {
  const env = (doc: ReturnType<typeof notebook>): ToolEnv => ({ doc, aiCellId: 'ai', actor: { client: 1, name: 'AI' }, runTimeoutMs: 50 });

  it('create_cell makes a SQL cell with the result variable asked for', async () => {
    const doc = notebook();
    const r = await executeTool(env(doc), { id: 't1', name: 'create_cell', input: { cell_type: 'sql', source: 'SELECT 1', result_variable: 'one' } });
    expect(r.isError).toBe(false);
    const cell = snapshotCell(doc, r.cellId!)!;
    expect(cell.type).toBe('sql');
    expect(sqlResultName(cell.metadata)).toBe('one');
    expect(cellOrder(doc)).toHaveLength(3);
  });

  it('refuses a result variable Python could not assign', async () => {
    const r = await executeTool(env(notebook()), { id: 't1', name: 'create_cell', input: { cell_type: 'sql', source: 'SELECT 1', result_variable: 'not valid' } });
    expect(r.isError).toBe(true);
    expect(r.content).toContain('result_variable');
  });

  it('run_cell queues a SQL cell like a code cell', async () => {
    const doc = notebook();
    const r = await executeTool(env(doc), { id: 't2', name: 'run_cell', input: { cell_id: 's1', timeout_seconds: 0.05 } });
    expect(r.content).not.toContain('only code');
    expect(liveRuns(doc).map((x) => x.cellId)).toEqual(['s1']);
  });
});
