/**
 * The SQL cell's editor support (loaded with the first SQL editor): CodeMirror's SQL mode with a DuckDB dialect
 * (PostgreSQL's, which DuckDB follows, plus DuckDB's own keywords and table functions), and completion of keywords
 * and of the table and column names that are queryable at the moment completion is asked for.
 */
import { PostgreSQL, SQLDialect, keywordCompletionSource, schemaCompletionSource, sql } from '@codemirror/lang-sql';
import type { CompletionContext, CompletionResult, CompletionSource } from '@codemirror/autocomplete';
import type { Extension } from '@codemirror/state';

/** Table name → column names. */
export type SqlSchema = Record<string, string[]>;

const DUCKDB_KEYWORDS =
  'pivot unpivot qualify exclude replace describe summarize install load attach detach copy pragma macro asof positional struct map union_by_name semi anti sample using columns';
const DUCKDB_FUNCTIONS =
  'read_csv read_csv_auto read_parquet read_json read_json_auto read_ndjson getvariable range generate_series unnest list_value struct_pack strftime strptime epoch date_trunc date_part regexp_matches string_split';

export const DuckDB = SQLDialect.define({
  ...PostgreSQL.spec,
  keywords: `${PostgreSQL.spec.keywords ?? ''} ${DUCKDB_KEYWORDS}`,
  builtin: `${PostgreSQL.spec.builtin ?? ''} ${DUCKDB_FUNCTIONS}`,
});

/** The SQL language without completion (completion comes from {@link sqlCompletion}, which knows the schema). */
export function sqlLanguage(): Extension {
  return sql({ dialect: DuckDB });
}

const keywords = keywordCompletionSource(DuckDB, true);

/** Keywords, plus tables and columns from `schema()` (asked afresh each time: Python's variables change). */
export function sqlCompletion(schema: () => Promise<SqlSchema>): CompletionSource {
  return async (ctx: CompletionContext): Promise<CompletionResult | null> => {
    const tables = await schema().catch((): SqlSchema => ({}));
    const fromSchema = (await schemaCompletionSource({ dialect: DuckDB, schema: tables })(ctx)) ?? null;
    const fromKeywords = (await keywords(ctx)) ?? null;
    if (!fromSchema) return fromKeywords;
    if (!fromKeywords || fromKeywords.from !== fromSchema.from) return fromSchema;
    return { ...fromSchema, options: [...fromSchema.options, ...fromKeywords.options] };
  };
}
