/**
 * The notebook's interaction state on this device (which cell is selected, command or edit mode, which
 * markdown cells are being edited) and every user command, as Jupyter users know them. Commands change the
 * document only through src/model operations with the LOCAL origin.
 */
import { createSignal, type Accessor } from 'solid-js';
import * as Y from 'yjs';
import {
  LOCAL,
  cancelQueued,
  cellOrder,
  cellType,
  clearAllOutputs,
  clearOutputs,
  deleteCell,
  getCell,
  insertCell,
  kernelLanguage,
  kernelMap,
  moveCell,
  readKernel,
  requestRun,
  setCellMetadata,
  setCellType,
  snapshotCell,
  type CellSnapshot,
  type CellType,
} from '../model';
import type { NotebookSession } from './session';
import { interruptAi, isAiCell, runAiPrompt } from './ai';
import { resetAiCell } from '../ai';
import { NotebookComments } from './comments/comments';
import { useCheckpoints } from './history/useHistory';
import type { Checkpoint } from '../sync';
import { fromY } from './reactive';

export type Mode = 'command' | 'edit';

interface DeletedCell {
  index: number;
  snapshot: CellSnapshot;
}

export class NotebookController {
  readonly selected: Accessor<string | null>;
  readonly mode: Accessor<Mode>;
  readonly editingMarkdown: Accessor<ReadonlySet<string>>;
  readonly showShortcuts: Accessor<boolean>;
  readonly notice: Accessor<string | null>;
  /** The notebook's comment threads and this device's unread counts. */
  readonly comments: NotebookComments;
  /** This device's checkpoints of the notebook, newest first (who edited which cell). */
  readonly checkpoints: Accessor<readonly Checkpoint[]>;
  /** The language code cells are written in: the executing kernel's, as the document records it. */
  readonly codeLanguage: Accessor<string>;
  private readonly setSelected: (id: string | null) => void;
  private readonly setMode: (m: Mode) => void;
  private readonly setEditingMarkdown: (s: ReadonlySet<string>) => void;
  readonly setShowShortcuts: (v: boolean) => void;
  readonly setNotice: (v: string | null) => void;
  /** Per cell: builds (if needed) and focuses its editor. */
  private readonly editors = new Map<string, () => void>();
  private readonly deleted: DeletedCell[] = [];

  constructor(readonly session: NotebookSession) {
    const first = cellOrder(session.doc)[0] ?? null;
    [this.selected, this.setSelected] = createSignal<string | null>(first);
    [this.mode, this.setMode] = createSignal<Mode>('command');
    [this.editingMarkdown, this.setEditingMarkdown] = createSignal<ReadonlySet<string>>(new Set());
    [this.showShortcuts, this.setShowShortcuts] = createSignal(false);
    [this.notice, this.setNotice] = createSignal<string | null>(null);
    this.comments = new NotebookComments(session);
    this.checkpoints = useCheckpoints(session.history).list;
    this.codeLanguage = fromY(kernelMap(session.doc), () => kernelLanguage(readKernel(session.doc)?.where), false);
  }

  /** Who last added or edited cell `id`, most recent first (at most three), as this device's history knows. */
  editorsOf(id: string): string[] {
    const out: string[] = [];
    for (const cp of this.checkpoints()) {
      for (const p of cp.summary) if ((p.edited.includes(id) || p.added.includes(id)) && !out.includes(p.who)) out.push(p.who);
      if (out.length >= 3) break;
    }
    return out.slice(0, 3);
  }

  get doc() {
    return this.session.doc;
  }

  order(): string[] {
    return cellOrder(this.doc);
  }

  /** How to focus a cell's editor, built on first request (cells build theirs lazily, as they near the viewport). */
  registerEditor(id: string, focus: () => void): () => void {
    this.editors.set(id, focus);
    return () => {
      if (this.editors.get(id) === focus) this.editors.delete(id);
    };
  }

  select(id: string | null): void {
    this.setSelected(id);
    this.session.presence.setCell(id);
  }

  /** Selects a cell and, in edit mode, focuses its editor. */
  focusCell(id: string, mode: Mode): void {
    this.select(id);
    this.setMode(mode);
    if (mode === 'edit') {
      if (this.typeOf(id) === 'markdown') this.setMarkdownEditing(id, true);
      queueMicrotask(() => {
        this.editors.get(id)?.();
      });
    } else {
      queueMicrotask(() => {
        const el = document.querySelector<HTMLElement>(`[data-cell-id="${id}"]`);
        el?.focus({ preventScroll: true });
        el?.scrollIntoView({ block: 'nearest' });
      });
    }
  }

  enterEdit(): void {
    const id = this.selected();
    if (id) this.focusCell(id, 'edit');
  }

  commandMode(): void {
    const id = this.selected();
    this.setMode('command');
    if (id) this.focusCell(id, 'command');
  }

  /** Called when an editor gains focus by mouse. */
  editorFocused(id: string): void {
    this.select(id);
    this.setMode('edit');
  }

  moveSelection(delta: number): void {
    const order = this.order();
    const i = order.indexOf(this.selected() ?? '');
    const next = order[Math.max(0, Math.min(order.length - 1, (i === -1 ? 0 : i) + delta))];
    if (next) this.focusCell(next, this.mode() === 'edit' ? 'edit' : 'command');
  }

  typeOf(id: string): CellType | null {
    const cell = getCell(this.doc, id);
    return cell ? cellType(cell) : null;
  }

  setMarkdownEditing(id: string, editing: boolean): void {
    const cur = this.editingMarkdown();
    if (cur.has(id) === editing) return;
    const next = new Set(cur);
    if (editing) next.add(id);
    else next.delete(id);
    this.setEditingMarkdown(next);
  }

  /** Runs a cell: code, ai and sql cells are queued for the executor; markdown renders. */
  runCell(id: string): void {
    const type = this.typeOf(id);
    if (type === 'markdown') {
      this.setMarkdownEditing(id, false);
      return;
    }
    if (type === 'raw' || !type) return;
    if (isAiCell(this, id)) {
      runAiPrompt(this, id);
      return;
    }
    requestRun(this.doc, id, this.session.me(), LOCAL);
  }

  /** Shift+Enter (next), Ctrl+Enter (stay), Alt+Enter (insert a cell below). */
  run(mode: 'next' | 'stay' | 'insert'): void {
    const id = this.selected();
    if (!id) return;
    this.runCell(id);
    // As in Jupyter: running leaves edit mode; only a cell added by the run (at the end, or Alt+Enter) is
    // opened for typing.
    if (mode === 'stay') {
      this.commandMode();
      return;
    }
    const order = this.order();
    const i = order.indexOf(id);
    const next = order[i + 1];
    if (mode === 'next' && next) {
      this.focusCell(next, 'command');
      return;
    }
    const added = insertCell(this.doc, i + 1, { type: 'code' }, LOCAL);
    this.focusCell(added, 'edit');
  }

  /**
   * Runs many cells in order. AI prompts are skipped: re-asking every prompt would spend the user's API credit
   * and let tools rewrite cells the user did not ask about; they run one at a time, on purpose.
   */
  private runMany(ids: string[]): void {
    for (const id of ids) if (!isAiCell(this, id)) this.runCell(id);
  }
  runAll(): void {
    // Run all is where a notebook's state is about to change wholesale: a version to come back to.
    void this.session.history?.checkpoint('run-all');
    this.runMany(this.order());
  }
  runAbove(): void {
    const order = this.order();
    const i = order.indexOf(this.selected() ?? '');
    this.runMany(order.slice(0, Math.max(0, i)));
  }
  runBelow(): void {
    const order = this.order();
    const i = order.indexOf(this.selected() ?? '');
    this.runMany(order.slice(Math.max(0, i)));
  }

  insert(where: 'above' | 'below', type: CellType = 'code', edit = true): string {
    const order = this.order();
    const i = order.indexOf(this.selected() ?? '');
    const at = i === -1 ? order.length : where === 'above' ? i : i + 1;
    const id = insertCell(this.doc, at, { type }, LOCAL);
    if (type === 'markdown') this.setMarkdownEditing(id, true);
    this.focusCell(id, edit ? 'edit' : 'command');
    return id;
  }

  deleteSelected(): void {
    const id = this.selected();
    if (id) this.deleteCellById(id);
  }

  deleteCellById(id: string): void {
    const order = this.order();
    const index = order.indexOf(id);
    const snapshot = snapshotCell(this.doc, id);
    if (index === -1 || !snapshot) return;
    cancelQueued(this.doc, LOCAL, id);
    this.deleted.push({ index, snapshot });
    deleteCell(this.doc, id, LOCAL);
    const rest = this.order();
    if (rest.length === 0) {
      const fresh = insertCell(this.doc, 0, { type: 'code' }, LOCAL);
      this.focusCell(fresh, 'command');
    } else {
      this.focusCell(rest[Math.min(index, rest.length - 1)]!, 'command');
    }
  }

  /** Z: brings back the last deleted cell where it was. */
  undoDelete(): void {
    const last = this.deleted.pop();
    if (!last) return;
    const s = last.snapshot;
    const id = insertCell(
      this.doc,
      last.index,
      { id: getCell(this.doc, s.id) ? undefined : s.id, type: s.type, source: s.source, metadata: s.metadata, outputs: s.outputs, executionCount: s.executionCount, attachments: s.attachments },
      LOCAL,
    );
    this.focusCell(id, 'command');
  }

  changeType(type: CellType): void {
    const id = this.selected();
    if (!id) return;
    setCellType(this.doc, id, type, LOCAL);
    if (type === 'markdown') this.setMarkdownEditing(id, true);
  }

  move(delta: -1 | 1): void {
    const id = this.selected();
    if (!id) return;
    const i = this.order().indexOf(id);
    moveCell(this.doc, id, i + delta, LOCAL);
    this.focusCell(id, this.mode());
  }

  clearOutputs(id?: string): void {
    const target = id ?? this.selected();
    if (!target) return;
    // An AI cell's outputs are its conversation: clearing them also makes the AI forget it.
    if (isAiCell(this, target)) resetAiCell(this.doc, target, LOCAL);
    else clearOutputs(this.doc, target, LOCAL);
  }

  toggleHiddenFromAi(id: string): void {
    const md = getCell(this.doc, id)?.get('metadata');
    const hidden = md instanceof Y.Map && md.get('hideFromAI') === true;
    setCellMetadata(this.doc, id, 'hideFromAI', hidden ? undefined : true, LOCAL);
  }

  clearAll(): void {
    clearAllOutputs(this.doc, LOCAL);
  }

  cancelQueue(): number {
    return cancelQueued(this.doc, LOCAL);
  }

  async interrupt(): Promise<void> {
    interruptAi(this);
    cancelQueued(this.doc, LOCAL);
    await this.session.controlKernel('interrupt');
  }

  async restart(): Promise<void> {
    cancelQueued(this.doc, LOCAL);
    await this.session.controlKernel('restart');
  }
}
