/**
 * The explorable table view: sort by a column, filter, page, column types and quick statistics, copy as CSV.
 * Only one page of rows is ever in the DOM, so 10,000 rows cost what 50 do. Cells are text nodes (the values are
 * untrusted). Two sources: all rows at hand (an output bundle), where sorting, filtering and statistics cover every
 * row; or one page at a time from elsewhere (`remote`: a kernel's variable), where they cover the page shown.
 */
import { For, Show, createMemo, createSignal, type JSX } from 'solid-js';
import { cellText, columnStats, filterRows, nextSort, pageOf, sortRows, toCsv, type Cell, type Column, type SortKey } from './table-model';
import './table.css';

/** Paging done by the source: the view shows `rows` as rows `offset`… of `total` and asks for other offsets. */
export interface RemotePaging {
  total: number;
  offset: number;
  pageSize: number;
  loading: boolean;
  goTo(offset: number): void;
}

export interface TableViewProps {
  columns: Column[];
  rows: Cell[][];
  remote?: RemotePaging;
  /** Said above the table (e.g. rows or columns left out). */
  note?: string;
  label?: string;
}

const PAGE_SIZES = [25, 50, 100, 250];
const fmt = (n: number): string => n.toLocaleString('en-US');
const num = (n: number | null): string => (n === null ? '' : Number.isInteger(n) ? fmt(n) : n.toPrecision(6).replace(/\.?0+$/, ''));

export function TableView(props: TableViewProps): JSX.Element {
  const [query, setQuery] = createSignal('');
  const [filterColumn, setFilterColumn] = createSignal<number | null>(null);
  const [sort, setSort] = createSignal<SortKey | null>(null);
  const [pageIndex, setPageIndex] = createSignal(0);
  const [pageSize, setPageSize] = createSignal(50);
  const [showStats, setShowStats] = createSignal(false);
  const [copied, setCopied] = createSignal('');

  const matching = createMemo(() => filterRows(props.rows, query(), filterColumn()));
  const ordered = createMemo(() => sortRows(props.rows, matching(), sort()));
  // A remote source pages itself: its whole page is shown. Locally, a page of the ordered rows.
  const page = createMemo(() => pageOf(ordered().length, props.remote ? Math.max(1, ordered().length) : pageSize(), pageIndex()));
  const visible = createMemo(() => ordered().slice(page().start, page().end));
  const base = (): number => props.remote?.offset ?? 0;
  const stats = createMemo(() => (showStats() ? props.columns.map((c, j) => columnStats(props.rows, j, c.type, matching())) : []));
  const scope = (): string => (props.remote ? ' (this page)' : '');

  const status = (): string => {
    const r = props.remote;
    if (r) {
      const end = r.offset + props.rows.length;
      const shown = props.rows.length ? `Rows ${fmt(r.offset + 1)}–${fmt(end)} of ${fmt(r.total)}` : `No rows (of ${fmt(r.total)})`;
      return query() ? `${shown} · ${fmt(matching().length)} match on this page` : shown;
    }
    const p = page();
    const of = matching().length === props.rows.length ? fmt(props.rows.length) : `${fmt(matching().length)} matching (of ${fmt(props.rows.length)})`;
    return matching().length ? `Rows ${fmt(p.start + 1)}–${fmt(p.end)} of ${of}` : `No rows match (of ${fmt(props.rows.length)})`;
  };

  const canPrev = (): boolean => (props.remote ? props.remote.offset > 0 && !props.remote.loading : page().index > 0);
  const canNext = (): boolean =>
    props.remote ? props.remote.offset + props.rows.length < props.remote.total && !props.remote.loading : page().index < page().count - 1;
  const step = (dir: 1 | -1): void => {
    const r = props.remote;
    if (r) r.goTo(Math.max(0, dir > 0 ? r.offset + props.rows.length : r.offset - r.pageSize));
    else setPageIndex(page().index + dir);
  };

  const copy = (): void => {
    const csv = toCsv(props.columns, props.rows, ordered());
    const n = ordered().length;
    navigator.clipboard.writeText(csv).then(
      () => setCopied(`Copied ${fmt(n)} rows as CSV${scope()}.`),
      () => setCopied('The browser did not allow copying.'),
    );
  };

  return (
    <div class="table-view" role="group" aria-label={props.label ?? 'Table'}>
      <div class="table-tools">
        <input
          type="search"
          aria-label="Filter rows"
          placeholder={props.remote ? 'Filter this page' : 'Filter rows'}
          value={query()}
          onInput={(e) => {
            setQuery(e.currentTarget.value);
            setPageIndex(0);
          }}
        />
        <select aria-label="Filter column" onChange={(e) => setFilterColumn(e.currentTarget.value === '' ? null : Number(e.currentTarget.value))}>
          <option value="">all columns</option>
          <For each={props.columns}>{(c, j) => <option value={String(j())}>{c.name}</option>}</For>
        </select>
        <button type="button" aria-pressed={showStats()} onClick={() => setShowStats(!showStats())}>
          Stats
        </button>
        <button type="button" onClick={copy}>
          Copy CSV
        </button>
      </div>
      <Show when={props.note}>
        <p class="table-note">{props.note}</p>
      </Show>
      <div class="table-scroll">
        <table class="table-grid">
          <thead>
            <tr>
              <th class="table-rownum">#</th>
              <For each={props.columns}>
                {(c, j) => (
                  <th aria-sort={sort()?.column === j() ? (sort()!.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
                    <button type="button" class="table-sort" title={`Sort by ${c.name}${scope()}`} onClick={() => setSort(nextSort(sort(), j()))}>
                      <span class="table-colname">{c.name}</span>
                      <span class="table-coltype">{c.type}</span>
                      <span class="table-arrow">{sort()?.column === j() ? (sort()!.dir === 'asc' ? '▲' : '▼') : ''}</span>
                    </button>
                  </th>
                )}
              </For>
            </tr>
            <Show when={showStats()}>
              <tr class="table-stats">
                <th title={`Statistics of the matching rows${scope()}`}>Σ</th>
                <For each={stats()}>
                  {(s) => (
                    <td>
                      <div>{`count ${fmt(s.count)} · nulls ${fmt(s.nulls)}`}</div>
                      <Show when={s.mean !== null}>
                        <div>{`min ${num(s.min)} · max ${num(s.max)}`}</div>
                        <div>{`mean ${num(s.mean)}`}</div>
                      </Show>
                      <Show when={s.distinct !== null}>
                        <div>{`distinct ${fmt(s.distinct!)}`}</div>
                      </Show>
                    </td>
                  )}
                </For>
              </tr>
            </Show>
          </thead>
          <tbody>
            <For each={visible()}>
              {(i) => (
                <tr>
                  <th class="table-rownum">{fmt(base() + i)}</th>
                  <For each={props.rows[i]}>{(v) => <td class={typeof v === 'number' ? 'num' : v === null ? 'null' : undefined}>{cellText(v)}</td>}</For>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
      <div class="table-pager">
        <button type="button" aria-label="Previous page" disabled={!canPrev()} onClick={() => step(-1)}>
          ‹
        </button>
        <span class="table-status" role="status">
          {status()}
        </span>
        <button type="button" aria-label="Next page" disabled={!canNext()} onClick={() => step(1)}>
          ›
        </button>
        <Show when={!props.remote}>
          <select
            aria-label="Rows per page"
            value={String(pageSize())}
            onChange={(e) => {
              setPageSize(Number(e.currentTarget.value));
              setPageIndex(0);
            }}
          >
            <For each={PAGE_SIZES}>{(n) => <option value={String(n)}>{`${n} / page`}</option>}</For>
          </select>
        </Show>
        <Show when={props.remote?.loading}>
          <span class="table-loading">Loading…</span>
        </Show>
        <span class="table-copied" role="status">
          {copied()}
        </span>
      </div>
    </div>
  );
}
