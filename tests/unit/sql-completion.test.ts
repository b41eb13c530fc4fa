/** Completion in SQL cells: keywords, and the tables and columns that are queryable when completion is asked for. */
import { describe, expect, it } from 'vitest';
import { EditorState } from '@codemirror/state';
import { CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { sqlCompletion, sqlLanguage } from '../../src/ui/sql-editor';

async function complete(doc: string, tables: Record<string, string[]>): Promise<string[]> {
  const state = EditorState.create({ doc, extensions: [sqlLanguage()] });
  const result = (await sqlCompletion(async () => tables)(new CompletionContext(state, doc.length, true))) as CompletionResult | null;
  return (result?.options ?? []).map((o) => o.label);
}

describe('SQL completion', () => {
  const tables = { sales: ['region', 'amount'], orders: ['id'] };

  it('offers the tables queryable now, and keywords', async () => {
    const labels = await complete('SELECT * FROM sa', tables);
    expect(labels).toEqual(expect.arrayContaining(['sales', 'orders', 'SELECT']));
  });

  it("offers a table's columns after its name and a dot", async () => {
    expect(await complete('SELECT sales.', tables)).toEqual(expect.arrayContaining(['region', 'amount']));
  });

  it("knows DuckDB's own words", async () => {
    expect(await complete('SELECT * FROM t QUAL', {})).toContain('QUALIFY');
  });

  it('still offers keywords when the schema cannot be had', async () => {
    const state = EditorState.create({ doc: 'SEL', extensions: [sqlLanguage()] });
    const r = await sqlCompletion(() => Promise.reject(new Error('kernel busy')))(new CompletionContext(state, 3, true));
    expect((r?.options ?? []).map((o) => o.label)).toContain('SELECT');
  });
});
