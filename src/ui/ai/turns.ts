/**
 * AI turns running in this tab, per open notebook: one AbortController per answering cell (the interrupt
 * action and each cell's Stop button abort them), the tool calls waiting for the user's approval, and short
 * messages for refusals that never reach the document (e.g. "still answering"). Everything other peers should
 * see is written into the document by `runAiCell`; this holds only what belongs to this tab.
 */
import { createSignal, type Accessor } from 'solid-js';
import * as Y from 'yjs';
import { readAiSettings, runAiCell, type ConfirmDecision, type ToolCard } from '../../ai';
import { cellOrder, cellsMap } from '../../model';
import type { NotebookController } from '../controller';
import { sameArray } from '../reactive';

/** A tool call waiting for the user: the card to show and how to answer it. */
export interface PendingApproval {
  card: ToolCard;
  decide(decision: ConfirmDecision): void;
}

function mapSignal<V>(): [Accessor<ReadonlyMap<string, V>>, (id: string, v: V | undefined) => void] {
  const [get, set] = createSignal<ReadonlyMap<string, V>>(new Map());
  const put = (id: string, v: V | undefined): void => {
    const next = new Map(get());
    if (v === undefined) next.delete(id);
    else next.set(id, v);
    set(next);
  };
  return [get, put];
}

/** The AI turns of one notebook in this tab. */
export class AiTurns {
  private readonly controllers = new Map<string, AbortController>();
  private readonly runningMap: Accessor<ReadonlyMap<string, true>>;
  private readonly setRunning: (id: string, v: true | undefined) => void;
  private readonly approvals: Accessor<ReadonlyMap<string, PendingApproval>>;
  private readonly setApproval: (id: string, v: PendingApproval | undefined) => void;
  private readonly messages: Accessor<ReadonlyMap<string, string>>;
  private readonly setMessage: (id: string, v: string | undefined) => void;

  /** Cell ids in order, for showing ids as cell numbers (recomputed only when cells are added, removed, moved). */
  readonly order: Accessor<string[]>;

  constructor(private readonly nb: NotebookController) {
    [this.runningMap, this.setRunning] = mapSignal<true>();
    [this.approvals, this.setApproval] = mapSignal<PendingApproval>();
    [this.messages, this.setMessage] = mapSignal<string>();
    const doc = nb.doc;
    const [order, setOrder] = createSignal(cellOrder(doc), { equals: sameArray });
    this.order = order;
    const cells = cellsMap(doc);
    // Lives as long as the document: the session destroys both together.
    cells.observeDeep((events) => {
      const moved = events.some((e) => e.target === cells || (e instanceof Y.YMapEvent && e.target.parent === cells && e.keysChanged.has('order')));
      if (moved) setOrder(cellOrder(doc));
    });
  }

  /** Whether this tab is answering in cell `id` (reactive). */
  running(id: string): boolean {
    return this.runningMap().has(id);
  }

  /** The tool call of cell `id` waiting for approval in this tab, if any (reactive). */
  approval(id: string): PendingApproval | undefined {
    return this.approvals().get(id);
  }

  /** A message about the last attempt to run cell `id` that the document does not carry (reactive). */
  message(id: string): string | undefined {
    return this.messages().get(id);
  }

  dismissMessage(id: string): void {
    this.setMessage(id, undefined);
  }

  /** Starts a turn of cell `id` with this device's settings. Never throws; the turn reports into the cell. */
  start(id: string): void {
    if (this.controllers.has(id)) {
      this.setMessage(id, 'This cell is still answering. Wait for it, or stop it, before asking again.');
      return;
    }
    this.setMessage(id, undefined);
    const session = this.nb.session;
    const ctrl = new AbortController();
    this.controllers.set(id, ctrl);
    this.setRunning(id, true);
    // The notebook as it was before the AI's tools may change it: one click in History brings it back.
    void session.history?.checkpoint('ai');
    void runAiCell({
      doc: session.doc,
      cellId: id,
      settings: readAiSettings(),
      confirm: (card) => this.ask(id, card, ctrl.signal),
      signal: ctrl.signal,
      actor: session.me(),
      isPeerPresent: (client) => session.presence.awareness.getStates().has(client),
      onEvent: (ev) => {
        // Refusals before the turn starts (busy, deleted cell) are not written into the document.
        if (ev.type === 'done' && ev.result.steps === 0 && ev.result.error?.kind === 'busy') this.setMessage(id, ev.result.error.message);
      },
    })
      .catch((e: unknown) => {
        // runAiCell reports failures into the cell; anything escaping it is a bug, shown rather than lost.
        this.setMessage(id, `Something went wrong: ${e instanceof Error ? e.message : String(e)}`);
      })
      .finally(() => {
        if (this.controllers.get(id) === ctrl) this.controllers.delete(id);
        this.setRunning(id, undefined);
        this.setApproval(id, undefined);
      });
  }

  /** Stops the turn of cell `id` in this tab (its Stop button). */
  stop(id: string): void {
    this.controllers.get(id)?.abort();
  }

  /** Stops every turn in this tab (the interrupt action). */
  stopAll(): void {
    for (const ctrl of this.controllers.values()) ctrl.abort();
  }

  /** The confirm callback of a turn: shows the approval for that cell until the user decides or the turn stops. */
  private ask(id: string, card: ToolCard, signal: AbortSignal): Promise<ConfirmDecision> {
    return new Promise<ConfirmDecision>((resolve) => {
      const done = (decision: ConfirmDecision): void => {
        signal.removeEventListener('abort', onAbort);
        if (this.approval(id) === pending) this.setApproval(id, undefined);
        resolve(decision);
      };
      // The agent rejects a pending approval itself on abort; this only takes the dialog down.
      const onAbort = (): void => done('reject');
      const pending: PendingApproval = { card, decide: done };
      signal.addEventListener('abort', onAbort, { once: true });
      this.setApproval(id, pending);
    });
  }
}

const registry = new WeakMap<NotebookController, AiTurns>();

/** The AI turns of notebook `nb` in this tab, if any AI cell was shown or run in it. */
export function existingAiTurns(nb: NotebookController): AiTurns | undefined {
  return registry.get(nb);
}

/** The AI turns of notebook `nb` in this tab. */
export function aiTurns(nb: NotebookController): AiTurns {
  let turns = registry.get(nb);
  if (!turns) {
    turns = new AiTurns(nb);
    registry.set(nb, turns);
  }
  return turns;
}
