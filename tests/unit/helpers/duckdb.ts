/**
 * DuckDB in Node for unit tests: duckdb-wasm's blocking Node build (the same engine and Arrow output as the app's
 * browser build, without a worker), opened as the app opens it.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as Blocking from '@duckdb/duckdb-wasm/blocking';

const require = createRequire(import.meta.url);

export type NodeDuckDB = Awaited<ReturnType<typeof Blocking.createDuckDB>>;
export type NodeConnection = ReturnType<NodeDuckDB['connect']>;

export async function nodeDuckDB(): Promise<{ db: NodeDuckDB; conn: NodeConnection }> {
  const duckdb = require('@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs') as typeof Blocking;
  const dir = dirname(require.resolve('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm'));
  const db = await duckdb.createDuckDB(
    {
      mvp: { mainModule: join(dir, 'duckdb-mvp.wasm'), mainWorker: join(dir, 'duckdb-node-mvp.worker.cjs') },
      eh: { mainModule: join(dir, 'duckdb-eh.wasm'), mainWorker: join(dir, 'duckdb-node-eh.worker.cjs') },
    },
    new duckdb.VoidLogger(),
    duckdb.NODE_RUNTIME,
  );
  await db.instantiate();
  db.open({});
  return { db, conn: db.connect() };
}
