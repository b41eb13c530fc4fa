/**
 * An ipywidgets view (`application/vnd.jupyter.widget-view+json`): the core controls of @jupyter-widgets/controls
 * and /output drawn by small Solid components from the model state in the document (./model-signal.ts). A change
 * at a view is a model operation (LOCAL origin); the executor carries it to Python (src/kernel/widget-bridge.ts).
 * Loaded lazily (see ../outputs/mime.tsx): nothing of this ships until a widget appears.
 *
 * Untrusted: state comes from Python and from peers. Text is text; an HTML widget's value goes through the app's
 * sanitizer; a model from any other module (a third-party widget library) is not run, it says so.
 */
import * as Y from 'yjs';
import { For, Match, Show, Switch, useContext, type Accessor, type JSX } from 'solid-js';
import { BUILTIN_WIDGET_MODULES, LOCAL, newId, sendWidgetEvent, updateWidget, type Output, type WidgetRecord, type WidgetState } from '../../model';
import { sanitizeRichText } from '../sanitize';
import { OutputView } from '../outputs/OutputArea';
import { WidgetDocContext } from './context';
import { useSession, useWidget } from './model-signal';
import './widgets.css';

const MAX_DEPTH = 20;

function modelId(data: unknown): string | null {
  const id = (data as { model_id?: unknown } | null)?.model_id;
  return typeof id === 'string' && id ? id : null;
}

/** `IPY_MODEL_<id>` references (children of boxes and tabs) to model ids. */
function refs(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((r) => (typeof r === 'string' && r.startsWith('IPY_MODEL_') ? [r.slice('IPY_MODEL_'.length)] : []));
}

const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const str = (v: unknown) => (typeof v === 'string' ? v : '');

interface ControlProps {
  doc: Y.Doc;
  w: Accessor<WidgetRecord>;
  /** Python is there to hear changes: views of a gone kernel are shown, not usable. */
  live: boolean;
  depth: number;
}

function set(props: ControlProps, patch: WidgetState): void {
  updateWidget(props.doc, props.w().id, patch, LOCAL);
}

function disabled(props: ControlProps): boolean {
  return !props.live || props.w().state.disabled === true;
}

function Description(props: { w: Accessor<WidgetRecord> }): JSX.Element {
  return (
    <Show when={str(props.w().state.description)}>
      {(d) => <span class="anode-widget-label">{d()}</span>}
    </Show>
  );
}

function Slider(props: ControlProps & { int: boolean }): JSX.Element {
  const s = () => props.w().state;
  const value = (e: Event) => {
    const v = Number((e.currentTarget as HTMLInputElement).value);
    return props.int ? Math.round(v) : v;
  };
  return (
    <label class="anode-widget anode-widget-slider">
      <Description w={props.w} />
      <input
        type="range"
        aria-label={str(s().description) || 'slider'}
        min={num(s().min, 0)}
        max={num(s().max, 100)}
        step={num(s().step, props.int ? 1 : 0.1)}
        value={num(s().value, 0)}
        disabled={disabled(props)}
        onInput={(e) => s().continuous_update !== false && set(props, { value: value(e) })}
        onChange={(e) => set(props, { value: value(e) })}
      />
      <Show when={s().readout !== false}>
        <output class="anode-widget-readout">{String(num(s().value, 0))}</output>
      </Show>
    </label>
  );
}

function NumberText(props: ControlProps & { int: boolean }): JSX.Element {
  const s = () => props.w().state;
  return (
    <label class="anode-widget">
      <Description w={props.w} />
      <input
        type="number"
        aria-label={str(s().description) || 'number'}
        value={num(s().value, 0)}
        step={num(s().step, props.int ? 1 : 0.1)}
        disabled={disabled(props)}
        onChange={(e) => {
          const v = Number(e.currentTarget.value);
          if (Number.isFinite(v)) set(props, { value: props.int ? Math.round(v) : v });
        }}
        onKeyDown={(e) => e.stopPropagation()}
      />
    </label>
  );
}

function TextInput(props: ControlProps & { area: boolean }): JSX.Element {
  const s = () => props.w().state;
  const write = (e: Event) => set(props, { value: (e.currentTarget as HTMLInputElement).value });
  const common = () => ({
    'aria-label': str(s().description) || 'text',
    placeholder: str(s().placeholder),
    value: str(s().value),
    disabled: disabled(props),
    onInput: (e: Event) => s().continuous_update !== false && write(e),
    onChange: write,
    onKeyDown: (e: KeyboardEvent) => e.stopPropagation(),
  });
  return (
    <label class="anode-widget">
      <Description w={props.w} />
      <Show when={props.area} fallback={<input type="text" {...common()} />}>
        <textarea {...common()} />
      </Show>
    </label>
  );
}

function Checkbox(props: ControlProps): JSX.Element {
  const s = () => props.w().state;
  return (
    <label class="anode-widget">
      <input type="checkbox" checked={s().value === true} disabled={disabled(props)} onChange={(e) => set(props, { value: e.currentTarget.checked })} />
      <span>{str(s().description)}</span>
    </label>
  );
}

function Dropdown(props: ControlProps): JSX.Element {
  const s = () => props.w().state;
  const labels = () => (Array.isArray(s()._options_labels) ? (s()._options_labels as unknown[]).map(String) : []);
  return (
    <label class="anode-widget">
      <Description w={props.w} />
      <select
        aria-label={str(s().description) || 'choice'}
        disabled={disabled(props)}
        onChange={(e) => {
          const i = e.currentTarget.selectedIndex;
          set(props, { index: i >= 0 ? i : null });
        }}
      >
        <For each={labels()}>{(label, i) => <option selected={s().index === i()}>{label}</option>}</For>
      </select>
    </label>
  );
}

function Button(props: ControlProps): JSX.Element {
  const s = () => props.w().state;
  const click = () => sendWidgetEvent(props.doc, { id: newId(), model: props.w().id, content: { event: 'click' } }, LOCAL);
  return (
    <button type="button" class="anode-widget anode-widget-button" title={str(s().tooltip)} disabled={disabled(props)} onClick={click}>
      {str(s().description) || 'Button'}
    </button>
  );
}

function OutputWidget(props: ControlProps): JSX.Element {
  const outputs = () => (Array.isArray(props.w().state.outputs) ? (props.w().state.outputs as Output[]) : []);
  return (
    <div class="anode-widget-output" data-testid="widget-output">
      <For each={outputs()}>{(o) => <OutputView output={o} executionCount={null} />}</For>
    </div>
  );
}

function Box(props: ControlProps & { vertical: boolean }): JSX.Element {
  return (
    <div class="anode-widget-box" classList={{ 'anode-widget-vbox': props.vertical }}>
      <For each={refs(props.w().state.children)}>{(id) => <Widget doc={props.doc} id={id} live={props.live} depth={props.depth + 1} />}</For>
    </div>
  );
}

/** Tab and Accordion: one child shown at a time; `selected_index` is shared state like any other. */
function Tabs(props: ControlProps & { accordion: boolean }): JSX.Element {
  const s = () => props.w().state;
  const children = () => refs(s().children);
  const titles = () => (Array.isArray(s().titles) ? (s().titles as unknown[]).map((t) => (typeof t === 'string' ? t : '')) : []);
  const selected = () => (typeof s().selected_index === 'number' ? (s().selected_index as number) : null);
  // Picking a tab works without a kernel too: it is only a view choice, kept in the shared state.
  const pick = (i: number) => set(props, { selected_index: props.accordion && selected() === i ? null : i });
  return (
    <div class="anode-widget-tabs" classList={{ 'anode-widget-accordion': props.accordion }}>
      <div role="tablist">
        <For each={children()}>
          {(_, i) => (
            <button type="button" role="tab" aria-selected={selected() === i()} onClick={() => pick(i())}>
              {titles()[i()] || `Tab ${i() + 1}`}
            </button>
          )}
        </For>
      </div>
      <Show when={selected() !== null && children()[selected()!]}>
        {(id) => <Widget doc={props.doc} id={id()} live={props.live} depth={props.depth + 1} />}
      </Show>
    </div>
  );
}

/** One model's view, by its model name; anything this app does not ship is named, never loaded. */
function Widget(props: { doc: Y.Doc; id: string; live: boolean; depth: number }): JSX.Element {
  const model = useWidget(props.doc, props.id);
  return (
    <Show when={props.depth < MAX_DEPTH && model()} fallback={<span class="anode-muted">[widget {props.id.slice(0, 8)} is not in this notebook]</span>}>
      {(w) => {
        const name = () => str(w().state._model_name);
        const builtin = () => BUILTIN_WIDGET_MODULES.includes(str(w().state._model_module));
        const p = { doc: props.doc, w, live: props.live, depth: props.depth };
        const unsupported = () => (
          <span class="anode-widget-unsupported" data-testid="widget-unsupported">
            Widget {name() || '(unnamed)'} from {str(w().state._model_module) || 'an unknown module'} is not supported: only the built-in
            ipywidgets controls run in Anode.
          </span>
        );
        return (
          <Show when={builtin()} fallback={unsupported()}>
            <Switch fallback={unsupported()}>
              <Match when={name() === 'IntSliderModel' || name() === 'FloatSliderModel'}>
                <Slider {...p} int={name() === 'IntSliderModel'} />
              </Match>
              <Match when={/^(Bounded)?(Int|Float)TextModel$/.test(name())}>
                <NumberText {...p} int={name().includes('Int')} />
              </Match>
              <Match when={name() === 'TextModel' || name() === 'TextareaModel'}>
                <TextInput {...p} area={name() === 'TextareaModel'} />
              </Match>
              <Match when={name() === 'CheckboxModel'}>
                <Checkbox {...p} />
              </Match>
              <Match when={name() === 'DropdownModel'}>
                <Dropdown {...p} />
              </Match>
              <Match when={name() === 'ButtonModel'}>
                <Button {...p} />
              </Match>
              <Match when={name() === 'LabelModel'}>
                <span class="anode-widget anode-widget-text">{str(w().state.value)}</span>
              </Match>
              <Match when={name() === 'HTMLModel' || name() === 'HTMLMathModel'}>
                <div class="anode-widget anode-widget-html" innerHTML={sanitizeRichText(str(w().state.value))} />
              </Match>
              <Match when={name() === 'OutputModel'}>
                <OutputWidget {...p} />
              </Match>
              <Match when={name() === 'HBoxModel' || name() === 'VBoxModel' || name() === 'BoxModel'}>
                <Box {...p} vertical={name() === 'VBoxModel'} />
              </Match>
              <Match when={name() === 'TabModel' || name() === 'AccordionModel'}>
                <Tabs {...p} accordion={name() === 'AccordionModel'} />
              </Match>
            </Switch>
          </Show>
        );
      }}
    </Show>
  );
}

/** The output: the view of one model, with a note when its Python side is gone. */
export default function WidgetView(props: { data: unknown }): JSX.Element {
  const doc = useContext(WidgetDocContext);
  const id = modelId(props.data);
  if (!doc || !id) return <pre class="anode-plain anode-muted">[a widget that cannot be shown here]</pre>;
  const session = useSession(doc);
  const model = useWidget(doc, id);
  const live = () => {
    const w = model();
    return w !== null && !w.closed && w.session !== '' && w.session === session();
  };
  const note = () => {
    const w = model();
    if (!w || live()) return null;
    if (w.closed) return 'This widget was closed in Python.';
    if (w.session === '') return 'Saved widget state: run the cell to use it.';
    return 'The kernel side of this widget is gone (the kernel restarted): run the cell again to use it.';
  };
  return (
    <div class="anode-widget-area" data-testid="widget" data-model-id={id} data-live={String(live())}>
      <Widget doc={doc} id={id} live={live()} depth={0} />
      <Show when={note()}>{(n) => <p class="anode-widget-note">{n()}</p>}</Show>
    </div>
  );
}
