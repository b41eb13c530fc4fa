/**
 * Running a SQL cell, as the executor's handler for `sql` cells and for code cells that start with `%%sql`. It goes
 * through the same run queue as code (one run at a time, on the executor's page), so in a room the executor's engine
 * runs it and every peer sees the output in the document. The work itself is in ./run.ts, loaded on first use.
 */
import { parseSqlMagic, snapshotCell, sqlResultName } from '../model';
import type { CellHandler, RunContext } from '../kernel';
import type { SqlEngine } from './engine';

export interface SqlHandlerDeps {
  /** This page's engine (started on the first run). */
  engine: SqlEngine;
  /** The bytes of a notebook file by content hash (the device's blob store). */
  fileBytes(hash: string): Promise<Blob | null>;
  /** Stores bytes a query wrote in the blob store; their hash. */
  storeFile(bytes: Uint8Array): Promise<string>;
}

function run(ctx: RunContext, deps: SqlHandlerDeps, query: string, resultName: string, lineOffset: number) {
  return import('./run').then((m) => m.runQuery(ctx, deps, query, resultName, lineOffset));
}

/** The handler for `sql` cells: the result goes to the variable the cell's toolbar names (default `_sql`). */
export function sqlCellHandler(deps: SqlHandlerDeps): CellHandler {
  return (ctx) => {
    const cell = snapshotCell(ctx.doc, ctx.run.cellId);
    return run(ctx, deps, ctx.run.source, sqlResultName(cell?.metadata ?? {}), 0);
  };
}

/** Wraps the code handler: a code cell that starts with `%%sql [name]` is run as a query, anything else as code. */
export function withSqlMagic(code: CellHandler, deps: SqlHandlerDeps): CellHandler {
  return (ctx) => {
    const magic = parseSqlMagic(ctx.run.source);
    if (!magic) return code(ctx);
    const cell = snapshotCell(ctx.doc, ctx.run.cellId);
    return run(ctx, deps, magic.query, magic.resultName ?? sqlResultName(cell?.metadata ?? {}), 1);
  };
}
