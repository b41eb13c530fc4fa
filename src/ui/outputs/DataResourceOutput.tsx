/**
 * A `application/vnd.dataresource+json` output (pandas with `display.html.table_schema`, or any Table Schema
 * bundle) in the explorable table view, with the bundle's own HTML one click away (in its sandboxed frame).
 */
import { Show, createMemo, createSignal, type JSX } from 'solid-js';
import { readDataResource } from '../table/dataresource';
import { TableView } from '../table/TableView';
import { HtmlFrame } from './frame';
import { DATARESOURCE_MIME } from './priority';

export function DataResourceOutput(props: { data: Record<string, unknown> }): JSX.Element {
  const table = createMemo(() => readDataResource(props.data[DATARESOURCE_MIME]));
  const html = (): string | null => (typeof props.data['text/html'] === 'string' ? (props.data['text/html'] as string) : null);
  const text = (): string => (typeof props.data['text/plain'] === 'string' ? (props.data['text/plain'] as string) : '');
  const [asHtml, setAsHtml] = createSignal(false);
  const note = (): string | undefined => {
    const t = table();
    return t && t.total > t.rows.length ? `Showing the first ${t.rows.length.toLocaleString('en-US')} of ${t.total.toLocaleString('en-US')} rows.` : undefined;
  };
  return (
    <Show when={table()} fallback={html() ? <HtmlFrame html={html()!} /> : <pre class="anode-plain">{text() || '[table data could not be read]'}</pre>}>
      {(t) => (
        <div class="dataresource-output">
          <Show when={html()}>
            <button type="button" class="table-switch" aria-pressed={asHtml()} onClick={() => setAsHtml(!asHtml())}>
              {asHtml() ? 'Table view' : 'HTML'}
            </button>
          </Show>
          <Show when={asHtml() && html()} fallback={<TableView columns={t().columns} rows={t().rows} note={note()} label="Table output" />}>
            <HtmlFrame html={html()!} />
          </Show>
        </div>
      )}
    </Show>
  );
}
