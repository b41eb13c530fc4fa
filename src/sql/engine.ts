/**
 * DuckDB for SQL cells: duckdb-wasm in its own worker on the executor's page, started on the first SQL run (nothing
 * of it loads before). The `eh` build only: one thread, wasm exceptions (every current browser has them); the
 * threaded build needs cross-origin isolation for its own workers and is larger, and a notebook's queries are small.
 * Its files are served by the app itself (Vite assets, cached by the service worker on first use: src/pwa/sw.ts).
 *
 * Queries go through `send` (DuckDB's pending-query API: the worker executes in slices and reads messages between
 * them), which is what makes Stop possible: `cancelSent` ends the query at the next slice. What cannot be cancelled
 * that way (a statement stuck inside one slice) is stopped by terminating the worker: the engine starts afresh on the
 * next run, and tables created in SQL are gone (the output says so).
 */
import type { AsyncDuckDB, AsyncDuckDBConnection } from '@duckdb/duckdb-wasm';
import type { RecordBatch, Schema } from 'apache-arrow';
import wasmURL from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import workerURL from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import { paramVariable } from './scan';

interface Started {
  db: AsyncDuckDB;
  conn: AsyncDuckDBConnection;
  worker: Worker;
  version: string;
}

/** What a query read: its schema, its batches up to the cap, and whether rows were left unread. */
export interface QueryBatches {
  /** Null for a statement that returns nothing. */
  schema: Schema | null;
  batches: RecordBatch[];
  more: boolean;
}

/** Thrown by {@link SqlEngine.query} when Stop ended the query. */
export class QueryCancelled extends Error {
  constructor(readonly restarted: boolean) {
    super(restarted ? 'The query was stopped; the SQL engine was restarted (tables created in SQL are gone).' : 'The query was stopped.');
    this.name = 'QueryCancelled';
  }
}

/** DuckDB extensions a query may need that duckdb-wasm downloads on first use (not built in). */
export type Extension = 'parquet' | 'json';

/** The schema of tables decoded from notebook files (./files-in.ts): kept out of completion and `SHOW TABLES`. */
const FILE_SCHEMA = 'anode_files';

/** How long a cancelled query may take to end before the engine's worker is terminated instead. */
const CANCEL_GRACE_MS = 2000;

export class SqlEngine {
  private started: Promise<Started> | null = null;
  /** Notebook files as registered: path → content hash, so unchanged files are not copied again. */
  private files = new Map<string, string>();
  /** Whether each extension loaded, asked once per engine: offline, every query would otherwise ask again. */
  private extensions = new Map<Extension, Promise<boolean>>();
  /** Notebook files decoded into tables: path → content hash; the table is named after the hash. */
  private fileTables = new Map<string, string>();
  private cancelling: (() => void) | null = null;
  /** A SQL run is in progress (from its first step, before its query is sent), and whether Stop was asked meanwhile. */
  private run: { stopped: boolean } | null = null;

  /** Starts the engine if it is not running (the first SQL cell pays for this: see `npm run bench`). */
  start(): Promise<Started> {
    this.started ??= (async () => {
      const duckdb = await import('@duckdb/duckdb-wasm');
      const worker = new Worker(new URL(workerURL, import.meta.url).href, { name: 'anode-duckdb' });
      const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
      await db.instantiate(new URL(wasmURL, import.meta.url).href);
      await db.open({ filesystem: { allowFullHTTPReads: true } });
      const conn = await db.connect();
      const version = await db.getVersion();
      return { db, conn, worker, version };
    })();
    this.started.catch(() => (this.started = null));
    return this.started;
  }

  get isStarted(): boolean {
    return this.started !== null;
  }

  /** Makes a notebook file readable by name (`FROM 'sales.csv'`); a file already there with the same hash is kept. */
  async putFile(path: string, hash: string, bytes: () => Promise<Uint8Array | null>): Promise<void> {
    if (this.files.get(path) === hash) return;
    const data = await bytes();
    if (!data) return;
    const { db } = await this.start();
    await db.registerFileBuffer(path, data);
    this.files.set(path, hash);
  }

  /**
   * Whether DuckDB's own `name` extension is available: loaded from the app's cache or extensions.duckdb.org the
   * first time (offline that fails within a second or two, once per engine).
   */
  hasExtension(name: Extension): Promise<boolean> {
    let known = this.extensions.get(name);
    if (!known) {
      known = this.start().then(({ conn }) => conn.query(`LOAD ${name}`).then(() => true, () => false));
      this.extensions.set(name, known);
      // An engine that failed to start has answered nothing: ask again next time.
      known.catch(() => this.extensions.delete(name));
    }
    return known;
  }

  /**
   * A notebook file decoded into a table (for a format DuckDB cannot read without an extension): the name to query
   * it by. `decode` (the file as an Arrow IPC stream) runs only when the file's content is new to this engine.
   */
  async putFileTable(path: string, hash: string, decode: () => Promise<Uint8Array>): Promise<string> {
    const table = `${FILE_SCHEMA}.f_${hash.slice(0, 16)}`;
    const old = this.fileTables.get(path);
    if (old === hash) return table;
    const { conn } = await this.start();
    if (![...this.fileTables.values()].includes(hash)) {
      const ipc = await decode();
      await conn.query(`CREATE SCHEMA IF NOT EXISTS ${FILE_SCHEMA}; DROP TABLE IF EXISTS ${table}`);
      await conn.insertArrowFromIPCStream(ipc, { schema: FILE_SCHEMA, name: table.slice(FILE_SCHEMA.length + 1), create: true });
    }
    this.fileTables.set(path, hash);
    // The previous content of this path, unless another path still has it.
    if (old && ![...this.fileTables.values()].includes(old)) await conn.query(`DROP TABLE IF EXISTS ${FILE_SCHEMA}.f_${old.slice(0, 16)}`);
    return table;
  }

  /**
   * Lets the query write `name` (duckdb-wasm writes only into a file buffer registered beforehand); the notebook's
   * own copy, if any, is overwritten.
   */
  async prepareWrite(name: string): Promise<void> {
    const { db } = await this.start();
    this.files.delete(name);
    await db.registerEmptyFileBuffer(name);
  }

  /** What the query wrote to `name`; null when it wrote nothing there. */
  async written(name: string, hash: (bytes: Uint8Array) => Promise<string>): Promise<{ bytes: Uint8Array; hash: string } | null> {
    const { db } = await this.start();
    const bytes = await db.copyFileToBuffer(name).catch(() => null);
    if (!bytes || !bytes.length) return null;
    const h = await hash(bytes);
    // DuckDB holds these very bytes: no need to register them again for the next query.
    this.files.set(name, h);
    return { bytes, hash: h };
  }

  /** Replaces table `name` with an Arrow IPC stream (a Python variable's current value: ./table-in.ts). */
  async putTable(name: string, ipc: Uint8Array): Promise<void> {
    const { conn } = await this.start();
    await conn.query(`DROP TABLE IF EXISTS "${name.replace(/"/g, '""')}"`);
    await conn.insertArrowFromIPCStream(ipc, { name, create: true });
  }

  /** Binds `{name}` parameters: each value set through a prepared statement, never spliced into SQL text. */
  async setParams(values: Record<string, unknown>): Promise<void> {
    const { conn } = await this.start();
    for (const [name, value] of Object.entries(values)) {
      const stmt = await conn.prepare(`SET VARIABLE ${paramVariable(name)} = ?`);
      try {
        await stmt.query(value);
      } finally {
        await stmt.close();
      }
    }
  }

  /**
   * Runs `text` (one or more statements; the last one's rows are returned), reading at most `cap` rows. Rejects with
   * DuckDB's error, or with {@link QueryCancelled} after {@link cancel}.
   */
  /** Marks a SQL run's start: a Stop before its query is sent still stops it. Call the returned function at its end. */
  beginRun(): () => void {
    const run = { stopped: false };
    this.run = run;
    return () => {
      if (this.run === run) this.run = null;
    };
  }

  async query(text: string, cap: number): Promise<QueryBatches> {
    const started = await this.start();
    if (this.run?.stopped) throw new QueryCancelled(false);
    let cancelled = false;
    let restarted = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = new Promise<never>((_, reject) => {
      this.cancelling = () => {
        cancelled = true;
        void started.conn.cancelSent().catch(() => false);
        timer = setTimeout(() => {
          restarted = true;
          this.restart();
          reject(new QueryCancelled(true));
        }, CANCEL_GRACE_MS);
      };
    });
    stop.catch(() => undefined);
    const read = async (): Promise<QueryBatches> => {
      const reader = await started.conn.send(text, true);
      // Read before iterating: a reader that reached its end has let go of its schema.
      let schema: Schema | undefined = reader.schema;
      const batches: RecordBatch[] = [];
      let rows = 0;
      let more = false;
      for await (const batch of reader) {
        if (cancelled) break;
        if (rows >= cap) {
          more = true;
          break;
        }
        schema ??= batch.schema;
        batches.push(batch);
        rows += batch.numRows;
      }
      // Rows left unread are DuckDB's to drop: the next query on this connection would replace them anyway.
      if (more || cancelled) await started.conn.cancelSent().catch(() => false);
      return { schema: schema ?? null, batches, more };
    };
    try {
      const out = await Promise.race([read(), stop]);
      if (cancelled) throw new QueryCancelled(false);
      return out;
    } catch (e) {
      if (cancelled) throw e instanceof QueryCancelled ? e : new QueryCancelled(restarted);
      throw e;
    } finally {
      clearTimeout(timer);
      this.cancelling = null;
    }
  }

  /** Stops the query in progress, or the run about to send one; true when there was one. */
  cancel(): boolean {
    const c = this.cancelling;
    if (!c) {
      if (!this.run) return false;
      this.run.stopped = true;
      return true;
    }
    this.cancelling = null;
    c();
    return true;
  }

  /** Tables and views DuckDB holds now, with their columns (for completion). */
  async catalog(): Promise<Record<string, string[]>> {
    // Not while a query runs: a second query on its connection would end the first one.
    if (!this.started || this.cancelling) return {};
    const { conn } = await this.start();
    const t = await conn.query(
      `SELECT table_name AS t, list(column_name ORDER BY ordinal_position) AS c FROM information_schema.columns WHERE table_schema NOT IN ('information_schema', 'pg_catalog', '${FILE_SCHEMA}') GROUP BY table_name`,
    );
    const out: Record<string, string[]> = {};
    for (const row of t.toArray() as Array<{ t: string; c: { toArray(): string[] } }>) out[row.t] = Array.from(row.c.toArray());
    return out;
  }

  /** Drops the engine (worker and all): the next use starts a fresh one. */
  restart(): void {
    const old = this.started;
    this.started = null;
    this.files = new Map();
    this.extensions = new Map();
    this.fileTables = new Map();
    void old?.then((s) => s.worker.terminate()).catch(() => undefined);
  }
}
