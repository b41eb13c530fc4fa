/**
 * A cell editor: CodeMirror 6 bound to the cell's Y.Text (y-codemirror.next), so typing is a document change,
 * remote cursors show, and undo only reverts this user's own edits. Jupyter's edit-mode keys are bound here and
 * routed to the notebook's commands.
 */
import { EditorView, keymap, hoverTooltip, drawSelection, highlightActiveLine, lineNumbers, placeholder } from '@codemirror/view';
import { EditorState, Compartment, Prec, type Extension } from '@codemirror/state';
import { defaultKeymap, indentWithTab, insertNewlineAndIndent } from '@codemirror/commands';
import { bracketMatching, indentOnInput, syntaxHighlighting, defaultHighlightStyle, indentUnit } from '@codemirror/language';
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap, startCompletion, type CompletionSource } from '@codemirror/autocomplete';
import { search, searchKeymap, highlightSelectionMatches } from '@codemirror/search';
import { codeLanguage } from './code-language';
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next';
import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import type { CellType } from '../model';
import { caretAwareness } from '../sync/caret-awareness';
import { imageAttachments, type AttachImages } from './editor-images';
import { commentMarks, setCommentRanges } from './comment-marks';

export interface EditorCommands {
  /** Shift+Enter, Ctrl/Cmd+Enter, Alt+Enter. */
  run(mode: 'next' | 'stay' | 'insert'): void;
  /** Escape: leave edit mode. */
  commandMode(): void;
  /** Arrow up on the first line / down on the last: move to the neighbouring cell. */
  leave(direction: -1 | 1): void;
  focus(): void;
}

export interface KernelAssist {
  complete(code: string, cursor: number): Promise<{ matches: string[]; from: number; to: number }>;
  inspect(code: string, cursor: number): Promise<string | null>;
}

const language = new Compartment();
/** Completion: Python's (the kernel's) in code cells, keywords and queryable tables in SQL cells. */
const completion = new Compartment();
/** Image paste and drop: on in markdown cells only (see editor-images.ts). */
const attachments = new Compartment();

function attachmentsFor(type: CellType, attach: AttachImages | undefined): Extension {
  return type === 'markdown' && attach ? imageAttachments(attach) : [];
}

/**
 * Markdown support pulls in the HTML, CSS and JavaScript grammars (~100 KB gzip): loaded on first use so the
 * app shell stays small, then applied to every markdown editor.
 */
let markdownSupport: Promise<Extension> | null = null;
function loadMarkdown(): Promise<Extension> {
  markdownSupport ??= import('@codemirror/lang-markdown').then((m) => m.markdown());
  return markdownSupport;
}

/** SQL mode and completion (./sql-editor.ts), loaded with the first SQL cell's editor. */
let sqlSupport: Promise<typeof import('./sql-editor')> | null = null;
function loadSql(): Promise<typeof import('./sql-editor')> {
  sqlSupport ??= import('./sql-editor');
  return sqlSupport;
}

function codeCompletion(assist: KernelAssist | null): Extension {
  return assist ? autocompletion({ override: [kernelCompletion(assist)], activateOnTyping: false }) : [];
}

function applyLanguage(view: EditorView, type: CellType, opts: Pick<EditorOptions, 'assist' | 'sqlSchema'>, code: CodeLanguageState): void {
  if (type === 'sql') {
    view.dispatch({ effects: [language.reconfigure([]), completion.reconfigure([])] });
    void loadSql().then((m) => {
      if (!view.dom.isConnected && !view.dom.parentNode) return;
      const schema = opts.sqlSchema ?? (async () => ({}));
      view.dispatch({
        effects: [
          language.reconfigure(m.sqlLanguage()),
          completion.reconfigure(autocompletion({ override: [m.sqlCompletion(schema)], activateOnTyping: false })),
        ],
      });
    });
    return;
  }
  view.dispatch({ effects: completion.reconfigure(codeCompletion(opts.assist)) });
  if (type === 'markdown' || type === 'ai') {
    view.dispatch({ effects: language.reconfigure([]) });
    void loadMarkdown().then((ext) => {
      if (!view.dom.isConnected && !view.dom.parentNode) return;
      view.dispatch({ effects: language.reconfigure(ext) });
    });
  } else if (type === 'code') {
    const { now, later } = codeLanguage(code.lang);
    view.dispatch({ effects: language.reconfigure(now) });
    const asked = code.lang;
    void later?.then((ext) => {
      // Still a code cell in that language (the kernel or the cell's type may have changed meanwhile).
      if (code.lang !== asked || code.type !== 'code') return;
      view.dispatch({ effects: language.reconfigure(ext) });
    });
  } else view.dispatch({ effects: language.reconfigure([]) });
}

/** What the editor's code language depends on, read again when a language mode finishes loading. */
interface CodeLanguageState {
  type: CellType;
  lang: string;
}

function kernelCompletion(assist: KernelAssist): CompletionSource {
  return async (ctx) => {
    const word = ctx.matchBefore(/[\w.]*/);
    if (!ctx.explicit && (!word || word.from === word.to)) return null;
    const r = await assist.complete(ctx.state.doc.toString(), ctx.pos).catch(() => null);
    if (!r || !r.matches.length) return null;
    return { from: r.from, to: r.to, options: r.matches.map((label) => ({ label })), validFor: /^[\w]*$/ };
  };
}

function docTooltip(text: string): HTMLElement {
  const dom = document.createElement('pre');
  dom.className = 'cm-doc-tooltip';
  dom.textContent = text.length > 4000 ? text.slice(0, 4000) + '\n…' : text;
  return dom;
}

/** Jupyter's edit-mode keys; they outrank CodeMirror's defaults. */
function notebookKeys(cmd: EditorCommands, assist: KernelAssist | null): Extension {
  return Prec.highest(
    keymap.of([
      { key: 'Shift-Enter', run: () => (cmd.run('next'), true) },
      { key: 'Mod-Enter', run: () => (cmd.run('stay'), true) },
      { key: 'Alt-Enter', run: () => (cmd.run('insert'), true) },
      { key: 'Escape', run: () => (cmd.commandMode(), true) },
      {
        key: 'ArrowUp',
        run: (v) => {
          const line = v.state.doc.lineAt(v.state.selection.main.head);
          if (line.number !== 1 || !v.state.selection.main.empty) return false;
          cmd.leave(-1);
          return true;
        },
      },
      {
        key: 'ArrowDown',
        run: (v) => {
          const line = v.state.doc.lineAt(v.state.selection.main.head);
          if (line.number !== v.state.doc.lines || !v.state.selection.main.empty) return false;
          cmd.leave(1);
          return true;
        },
      },
      {
        // Tab completes after a name (as in Jupyter), indents elsewhere.
        key: 'Tab',
        run: (v) => {
          if (!assist) return false;
          const { head, empty } = v.state.selection.main;
          const before = v.state.sliceDoc(v.state.doc.lineAt(head).from, head);
          if (!empty || /^\s*$/.test(before)) return false;
          return startCompletion(v);
        },
      },
      {
        key: 'Shift-Tab',
        run: (v) => {
          if (!assist) return false;
          const pos = v.state.selection.main.head;
          void assist.inspect(v.state.doc.toString(), pos).then((text) => {
            if (!text) return;
            showInspect(v, pos, text);
          });
          return true;
        },
      },
    ]),
  );
}

function showInspect(view: EditorView, pos: number, text: string): void {
  const old = view.dom.querySelector('.cm-inspect-panel');
  old?.remove();
  const panel = docTooltip(text);
  panel.classList.add('cm-inspect-panel');
  panel.setAttribute('role', 'tooltip');
  const coords = view.coordsAtPos(pos);
  const box = view.dom.getBoundingClientRect();
  panel.style.top = `${coords ? coords.bottom - box.top + 4 : 0}px`;
  view.dom.appendChild(panel);
  const close = (): void => {
    panel.remove();
    view.dom.removeEventListener('keydown', close);
  };
  view.dom.addEventListener('keydown', close);
}

export interface EditorOptions {
  parent: HTMLElement;
  text: Y.Text;
  awareness: Awareness;
  type: CellType;
  commands: EditorCommands;
  assist: KernelAssist | null;
  label: string;
  onFocus(): void;
  /** Stores images pasted or dropped into a markdown cell as its attachments (see editor-images.ts). */
  attachImages?: AttachImages;
  /** Tables and columns SQL can query now (completion in SQL cells). */
  sqlSchema?: () => Promise<Record<string, string[]>>;
  /** The kernel's language for code cells (see code-language.ts); Python when not given. */
  codeLanguage?: string;
  /** A view-only room: the source is shown live (remote carets too) but cannot be typed into. */
  readOnly?: boolean;
}

/** Creates the editor of one cell; destroy it when the cell leaves the page. */
export type CellEditor = EditorView & {
  setType(type: CellType): void;
  /** Code cells follow the kernel's language (an R kernel's cells are edited as R). */
  setCodeLanguage(lang: string): void;
  /** Underlines the ranges of the cell's open comment threads. */
  setCommentRanges(ranges: ReadonlyArray<{ from: number; to: number }>): void;
};

export function createCellEditor(opts: EditorOptions): CellEditor {
  const { assist } = opts;
  const code: CodeLanguageState = { type: opts.type, lang: opts.codeLanguage ?? 'python' };
  const initial = opts.type === 'code' ? codeLanguage(code.lang) : null;
  const extensions: Extension[] = [
    notebookKeys(opts.commands, assist),
    lineNumbers(),
    drawSelection(),
    highlightActiveLine(),
    indentOnInput(),
    indentUnit.of('    '),
    bracketMatching(),
    closeBrackets(),
    highlightSelectionMatches(),
    syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
    search({ top: true }),
    language.of(initial?.now ?? []),
    attachments.of(attachmentsFor(opts.type, opts.attachImages)),
    // Remote carets from validated presence only: a peer's raw colour would go into a style attribute.
    yCollab(opts.text, caretAwareness(opts.awareness)),
    commentMarks,
    keymap.of([
      ...yUndoManagerKeymap,
      ...closeBracketsKeymap,
      ...searchKeymap,
      ...completionKeymap,
      { key: 'Enter', run: insertNewlineAndIndent },
      indentWithTab,
      ...defaultKeymap,
    ]),
    placeholder(opts.type === 'markdown' ? 'Markdown text' : opts.type === 'ai' ? 'Ask the AI…' : ''),
    EditorView.lineWrapping,
    EditorView.contentAttributes.of({ 'aria-label': opts.label }),
    EditorView.domEventHandlers({ focus: () => opts.onFocus() }),
  ];
  extensions.push(completion.of(opts.type === 'sql' ? [] : codeCompletion(assist)));
  if (opts.readOnly) extensions.push(EditorState.readOnly.of(true), EditorView.editable.of(false));
  if (assist) {
    extensions.push(
      hoverTooltip(async (view, pos) => {
        const text = await assist.inspect(view.state.doc.toString(), pos).catch(() => null);
        if (!text) return null;
        return { pos, above: true, create: () => ({ dom: docTooltip(text) }) };
      }, { hoverTime: 600 }),
    );
  }
  const view = new EditorView({
    state: EditorState.create({ doc: opts.text.toString(), extensions }),
    parent: opts.parent,
  }) as CellEditor;
  view.setCommentRanges = (ranges) => setCommentRanges(view, ranges);
  view.setType = (type) => {
    code.type = type;
    applyLanguage(view, type, opts, code);
    view.dispatch({ effects: attachments.reconfigure(attachmentsFor(type, opts.attachImages)) });
  };
  view.setCodeLanguage = (lang) => {
    if (lang === code.lang) return;
    code.lang = lang;
    if (code.type === 'code') applyLanguage(view, 'code', opts, code);
  };
  if (opts.type === 'markdown' || opts.type === 'ai' || opts.type === 'sql' || initial?.later) applyLanguage(view, opts.type, opts, code);
  return view;
}
