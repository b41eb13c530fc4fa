/**
 * SQL cells on DuckDB: the engine (duckdb-wasm, lazily started on the executor's page), the executor's handlers for
 * `sql` cells and `%%sql` code cells, and what the editor needs for completion.
 */
export { SqlEngine, QueryCancelled } from './engine';
export { sqlCellHandler, withSqlMagic, type SqlHandlerDeps } from './handler';
export { scanSql } from './scan';
