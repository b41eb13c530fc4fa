/**
 * One turn of an AI cell: send the context, stream the answer into the cell, carry out the model's tool calls
 * (asking the user where the policy says so), send the results back, and repeat until the model is done, a
 * step bound is reached, or the user interrupts. Everything a peer should see is written into the document
 * as it happens (see transcript.ts); the key stays in this function's closure and the SDK client.
 */
import type * as Y from 'yjs';
import type Anthropic from '@anthropic-ai/sdk';
import {
  AI,
  appendOutputs,
  clearOutputs,
  readMeta,
  snapshotCell,
  updateDisplay,
  type Actor,
  type CellSnapshot,
  type Origin,
} from '../model';
import {
  AiError,
  abortedError,
  contextTooLongError,
  createClient,
  refusedError,
  requestBody,
  streamMessage,
  toAiError,
  type ClientOptions,
  type ToolUse,
} from './client';
import { appendPrompt, buildContext, type ContextBudget } from './context';
import { parsePrompt } from './prompt';
import { allowToolAlways, alwaysAllowedTools, defaultStorage, type AiSettings, type KeyValueStorage } from './settings';
import {
  TOOL_DEFINITIONS,
  TOOLS_NEEDING_APPROVAL,
  cardResult,
  describeToolCall,
  executeTool,
  type ConfirmFn,
  type ToolEnv,
} from './tools';
import {
  answerItem,
  errorItem,
  noticeItem,
  promptItem,
  readAiState,
  toolItem,
  writeAiState,
  type AiCellState,
  type AiStatus,
  type ToolCard,
} from './transcript';

/** Progress of a turn, for the UI (the document carries the same information for other peers). */
export type AiEvent =
  | { type: 'status'; status: AiStatus }
  /** A request to the API is about to be sent (step 1 is the prompt; later steps carry tool results). */
  | { type: 'request'; step: number }
  | { type: 'text'; delta: string; text: string }
  /** The model finished writing a tool call (before approval and execution). */
  | { type: 'tool_use'; call: ToolUse }
  /** A tool card changed: awaiting approval, running, done, error, rejected, skipped. */
  | { type: 'tool_card'; card: ToolCard }
  | { type: 'error'; error: AiError }
  | { type: 'done'; result: AiTurnResult };

/** Why a turn ended. */
export type AiTurnEnd = 'end_turn' | 'max_tokens' | 'max_steps' | 'stopped' | 'error';

/** The outcome of `runAiCell`. It never throws: failures are written into the cell and returned here. */
export interface AiTurnResult {
  end: AiTurnEnd;
  /** Requests sent to the API. */
  steps: number;
  error?: AiError;
}

/** Options of one AI cell turn. */
export interface RunAiCellOptions {
  doc: Y.Doc;
  cellId: string;
  /** This device's settings (key, model, base URL). Read by the caller, never stored in the document. */
  settings: AiSettings;
  /** Asks the user to approve a tool call that changes or runs the notebook. */
  confirm: ConfirmFn;
  /** The interrupt action. */
  signal?: AbortSignal;
  onEvent?: (event: AiEvent) => void;
  /** Who is acting, shown on runs the AI queues. Default: this peer, named "AI assistant". */
  actor?: Actor;
  /** Where "always allow" choices are remembered. Default: localStorage. */
  storage?: KeyValueStorage;
  /** Maximum requests to the API in one turn. Default 10. */
  maxSteps?: number;
  /** max_tokens of each request. Default 8192. */
  maxTokens?: number;
  /** How long run_cell waits for a run by default. Default 120 s. */
  runTimeoutMs?: number;
  /** Streaming text is written to the document at most this often (ms). Default 50. */
  flushMs?: number;
  budget?: Partial<ContextBudget>;
  client?: ClientOptions;
  /**
   * Whether the peer with this Y.Doc client id is still connected (from awareness). A cell marked as running
   * by a present peer is busy; by an absent one (closed tab, reload) it is free. Without it, a turn left
   * "running" counts as abandoned after STALE_TURN_MS.
   */
  isPeerPresent?: (client: number) => boolean;
}

/** Cells answering in this tab right now: a second run of the same cell must not interleave with the first. */
const active = new WeakMap<Y.Doc, Set<string>>();

/** max_tokens of each request unless `RunAiCellOptions.maxTokens` says otherwise. */
export const DEFAULT_MAX_TOKENS = 8192;

/**
 * The first request a turn of this cell would send now, exactly (the "what the AI sees" view): model, system
 * prompt with the notebook, conversation plus the current prompt, and the tool definitions. The key is not
 * part of it; it travels only in a header.
 */
export function previewAiRequest(
  doc: Y.Doc,
  cellId: string,
  settings: Pick<AiSettings, 'model'>,
  opts: { budget?: Partial<ContextBudget>; maxTokens?: number } = {},
): Anthropic.MessageCreateParamsNonStreaming {
  const cell = snapshotCell(doc, cellId);
  const prompt = cell ? parsePrompt(cell.type, cell.source) : null;
  const context = buildContext(doc, cellId, { prompt: prompt?.text ?? '', ...(opts.budget ? { budget: opts.budget } : {}) });
  return requestBody({
    model: prompt?.model ?? settings.model,
    system: context.system,
    messages: context.messages,
    tools: TOOL_DEFINITIONS,
    maxTokens: opts.maxTokens ?? DEFAULT_MAX_TOKENS,
  });
}

/** A turn whose peer vanished leaves `running` behind; after this long another peer may take the cell over. */
const STALE_TURN_MS = 2 * 60 * 1000;

/** Writes streamed text into one answer output, coalescing deltas so the document gets a few writes a second. */
class AnswerWriter {
  text = '';
  private created = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly doc: Y.Doc,
    private readonly cellId: string,
    private readonly displayId: string,
    private readonly turn: number,
    private readonly flushMs: number,
  ) {}

  add(delta: string): void {
    this.text += delta;
    if (!this.created) {
      // The first words appear at once; later ones are batched.
      this.created = true;
      appendOutputs(this.doc, this.cellId, [answerItem(this.displayId, this.turn, this.text, true)], AI);
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => this.flush(true), this.flushMs);
    }
  }

  flush(streaming: boolean): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.created) return;
    const item = answerItem(this.displayId, this.turn, this.text, streaming);
    updateDisplay(this.doc, this.displayId, item.data, item.metadata, AI);
  }
}

/** Rejects with the "aborted" error as soon as `signal` fires, so a pending approval dialog cannot hang a turn. */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(abortedError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortedError());
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/**
 * Runs one turn of the AI cell `cellId` (an `ai` cell, or a code cell starting with `%%ai`): the cell's
 * current prompt is asked with the notebook above as context, continuing the cell's conversation.
 */
export async function runAiCell(opts: RunAiCellOptions): Promise<AiTurnResult> {
  const { doc, cellId } = opts;
  const emit = opts.onEvent ?? (() => {});
  const cell = snapshotCell(doc, cellId);
  const previous = readAiState(doc, cellId);
  const fail = (error: AiError): AiTurnResult => {
    const result: AiTurnResult = { end: 'error', steps: 0, error };
    emit({ type: 'error', error });
    emit({ type: 'done', result });
    return result;
  };
  if (!cell) return fail(new AiError('bad_request', 'No such cell', 'The AI cell was deleted.'));
  const running = active.get(doc) ?? new Set<string>();
  active.set(doc, running);
  if (running.has(cellId)) {
    return fail(new AiError('busy', 'Already answering', 'This cell is still answering. Wait for it, or stop it, before asking again.'));
  }
  const by = previous.by;
  if ((previous.status === 'running' || previous.status === 'awaiting_approval') && by && by.client !== doc.clientID) {
    const present = opts.isPeerPresent ? opts.isPeerPresent(by.client) : Date.now() - (previous.startedAt ?? 0) < STALE_TURN_MS;
    if (present) {
      return fail(new AiError('busy', 'Already answering', `${by.name} is running this AI cell. Wait for the answer, then ask a follow-up.`));
    }
  }
  running.add(cellId);
  try {
    return await turnOf(opts, cell, previous);
  } finally {
    running.delete(cellId);
  }
}

/** The body of `runAiCell` once the cell is known to be free. */
async function turnOf(opts: RunAiCellOptions, cell: CellSnapshot, previous: AiCellState): Promise<AiTurnResult> {
  const { doc, cellId, signal } = opts;
  const emit = opts.onEvent ?? (() => {});
  const maxSteps = opts.maxSteps ?? 10;
  const actor: Actor = opts.actor ?? { client: doc.clientID, name: 'AI assistant' };
  const storage = opts.storage ?? defaultStorage();
  const notebookId = readMeta(doc)?.id ?? '';
  const prompt = parsePrompt(cell.type, cell.source);

  const turn = previous.turns + 1;
  const idBase = `ai:${cellId}:${turn}`;
  const state: AiCellState = {
    ...previous,
    status: 'running',
    turns: turn,
    by: actor,
    model: prompt?.model ?? opts.settings.model,
    startedAt: Date.now(),
  };
  delete state.endedAt;
  const setStatus = (status: AiStatus, conversation?: Anthropic.MessageParam[]): void => {
    state.status = status;
    if (conversation) state.conversation = conversation;
    if (status !== 'running' && status !== 'awaiting_approval') state.endedAt = Date.now();
    writeAiState(doc, cellId, state, AI);
    emit({ type: 'status', status });
  };

  const promptText = prompt?.text ?? '';
  if (promptText) appendOutputs(doc, cellId, [promptItem(`${idBase}:prompt`, turn, promptText)], AI);
  setStatus('running');

  // What this turn adds to the conversation: assistant messages and tool results, always well-paired.
  const added: Anthropic.MessageParam[] = [];
  let steps = 0;
  let writer: AnswerWriter | null = null;
  const env: ToolEnv = {
    doc,
    aiCellId: cellId,
    actor,
    runTimeoutMs: opts.runTimeoutMs ?? 120_000,
    ...(signal ? { signal } : {}),
  };

  const finish = (end: AiTurnEnd, error?: AiError): AiTurnResult => {
    writer?.flush(false);
    // The API rejects a history with a tool call left unanswered (e.g. cut off by max_tokens): answer it, or
    // every later prompt in this cell would fail.
    const last = added[added.length - 1];
    if (last?.role === 'assistant' && Array.isArray(last.content)) {
      const open = last.content.filter((b): b is Anthropic.ToolUseBlockParam => b.type === 'tool_use');
      if (open.length) {
        added.push({
          role: 'user',
          content: open.map((b) => ({ type: 'tool_result' as const, tool_use_id: b.id, content: 'Not run: the answer ended before this call.', is_error: true })),
        });
      }
    }
    if (error) appendOutputs(doc, cellId, [errorItem(`${idBase}:error`, { kind: error.kind, title: error.title, message: error.message, ...(error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {}) })], AI);
    // A turn that produced nothing keeps the old conversation, so asking again does not repeat the prompt.
    const conversation = added.length ? [...appendPrompt(previous.conversation, promptText), ...added] : previous.conversation;
    setStatus(end === 'error' ? 'error' : end === 'stopped' ? 'stopped' : 'done', conversation);
    const result: AiTurnResult = { end, steps, ...(error ? { error } : {}) };
    if (error) emit({ type: 'error', error });
    emit({ type: 'done', result });
    return result;
  };

  if (!promptText) {
    return finish('error', new AiError('empty_prompt', 'Empty prompt', 'Write a question or an instruction in the cell, then run it.'));
  }

  const context = buildContext(doc, cellId, { prompt: promptText, ...(opts.budget ? { budget: opts.budget } : {}) });
  // Tool calls of the current step that have no result yet: answered "interrupted" if the turn stops here.
  let unanswered: ToolUse[] = [];
  let results: Anthropic.ToolResultBlockParam[] = [];
  const closeOpenToolCalls = (why: string): void => {
    if (!unanswered.length) return;
    const answered = new Set(results.map((r) => r.tool_use_id));
    for (const call of unanswered) {
      if (!answered.has(call.id)) results.push({ type: 'tool_result', tool_use_id: call.id, content: why, is_error: true });
    }
    added.push({ role: 'user', content: results });
    unanswered = [];
  };

  try {
    const client = await createClient(opts.settings, opts.client);
    for (;;) {
      steps++;
      writer = new AnswerWriter(doc, cellId, `${idBase}:${steps}:text`, turn, opts.flushMs ?? 50);
      const w = writer;
      emit({ type: 'request', step: steps });
      let msg;
      try {
        msg = await streamMessage(
          client,
          {
            model: state.model ?? opts.settings.model,
            system: context.system,
            messages: [...context.messages, ...added],
            tools: TOOL_DEFINITIONS,
            maxTokens: opts.maxTokens ?? DEFAULT_MAX_TOKENS,
          },
          {
            onText: (delta) => {
              w.add(delta);
              emit({ type: 'text', delta, text: w.text });
            },
            onToolUse: (call) => emit({ type: 'tool_use', call }),
          },
          signal,
        );
      } catch (e) {
        // Keep what was already said: the user saw it stream, and a follow-up can refer to it.
        if (w.text) added.push({ role: 'assistant', content: [{ type: 'text', text: w.text }] });
        throw e;
      }
      w.flush(false);
      if (msg.content.length) added.push({ role: 'assistant', content: msg.content });
      if (msg.stopReason === 'refusal') {
        // A refused exchange is not kept: a follow-up would carry it along and likely be refused again.
        added.length = 0;
        throw refusedError();
      }
      if (msg.stopReason === 'model_context_window_exceeded') throw contextTooLongError();
      if (msg.stopReason !== 'tool_use' || !msg.toolUses.length) {
        if (msg.stopReason === 'max_tokens') {
          appendOutputs(doc, cellId, [noticeItem(`${idBase}:notice`, 'The answer reached the length limit and was cut off. Ask the AI to continue.')], AI);
          return finish('max_tokens');
        }
        return finish('end_turn');
      }
      unanswered = msg.toolUses;
      results = [];
      if (steps >= maxSteps) {
        for (const call of msg.toolUses) {
          const card: ToolCard = { ...describeToolCall(env, call), status: 'skipped', result: 'Not run: step limit reached.' };
          appendOutputs(doc, cellId, [toolItem(`${idBase}:tool:${call.id}`, card)], AI);
          emit({ type: 'tool_card', card });
        }
        closeOpenToolCalls(`Not run: the step limit (${maxSteps}) of this answer was reached. The user can ask you to continue.`);
        appendOutputs(doc, cellId, [noticeItem(`${idBase}:notice`, `Stopped after ${maxSteps} steps. Run the cell again (or ask a follow-up) to continue.`)], AI);
        return finish('max_steps');
      }
      for (const call of msg.toolUses) {
        results.push(await handleToolCall(call));
      }
      added.push({ role: 'user', content: results });
      unanswered = [];
    }
  } catch (e) {
    const error = toAiError(e, { baseURL: opts.settings.baseURL, ...(signal ? { signal } : {}) });
    closeOpenToolCalls(error.kind === 'aborted' ? 'Interrupted by the user before this tool call finished.' : `Not finished: ${error.title}.`);
    if (error.kind === 'aborted') {
      appendOutputs(doc, cellId, [noticeItem(`${idBase}:notice`, 'Stopped by the user.')], AI);
      return finish('stopped');
    }
    return finish('error', error);
  }

  async function handleToolCall(call: ToolUse): Promise<Anthropic.ToolResultBlockParam> {
    const displayId = `${idBase}:tool:${call.id}`;
    const card = describeToolCall(env, call);
    const show = (first: boolean): void => {
      const item = toolItem(displayId, card);
      if (first) appendOutputs(doc, cellId, [item], AI);
      else updateDisplay(doc, displayId, item.data, item.metadata, AI);
      emit({ type: 'tool_card', card: { ...card } });
    };
    if (TOOLS_NEEDING_APPROVAL.has(call.name) && !alwaysAllowedTools(notebookId, storage).has(call.name)) {
      card.status = 'awaiting_approval';
      show(true);
      setStatus('awaiting_approval');
      let decision;
      try {
        decision = await untilAborted(opts.confirm({ ...card }), signal);
      } catch (e) {
        card.status = 'skipped';
        card.result = 'Interrupted before approval.';
        show(false);
        throw e;
      }
      setStatus('running');
      if (decision === 'always') allowToolAlways(notebookId, call.name, storage);
      if (decision === 'reject') {
        card.status = 'rejected';
        card.result = 'Rejected by the user.';
        show(false);
        return { type: 'tool_result', tool_use_id: call.id, content: 'The user rejected this tool call. Do not retry it; continue without it or ask the user.', is_error: true };
      }
      card.status = 'running';
      show(false);
    } else {
      card.status = 'running';
      show(true);
    }
    let res;
    try {
      res = await executeTool(env, call);
    } catch (e) {
      // Only an interrupt escapes executeTool.
      card.status = 'error';
      card.result = 'Interrupted by the user.';
      show(false);
      throw e;
    }
    card.status = res.isError ? 'error' : 'done';
    card.result = cardResult(res.content);
    if (res.cellId) card.cellId = res.cellId;
    show(false);
    return { type: 'tool_result', tool_use_id: call.id, content: res.content, ...(res.isError ? { is_error: true } : {}) };
  }
}

/** "Clear conversation": forgets the cell's turns and clears its transcript, so the next prompt starts fresh. */
export function resetAiCell(doc: Y.Doc, cellId: string, origin: Origin): void {
  doc.transact(() => {
    const prev = readAiState(doc, cellId);
    writeAiState(doc, cellId, { version: 1, conversation: [], status: 'idle', turns: prev.turns }, origin);
    clearOutputs(doc, cellId, origin);
  }, origin);
}
