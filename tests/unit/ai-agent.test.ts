/**
 * AI cells end to end without a browser: the real @anthropic-ai/sdk against the mock Messages API server,
 * a real Y.Doc, and the test playing the executor that picks up runs from the document.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  AI,
  EXECUTOR,
  LOCAL,
  appendOutputs,
  cellOrder,
  claimRun,
  createNotebookDoc,
  finishRun,
  liveRuns,
  setSource,
  snapshotCell,
  type NewCell,
  type Output,
} from '../../src/model';
import {
  AI_MIME,
  buildContext,
  writeAiState,
  memoryStorage,
  previewAiRequest,
  readAiState,
  resetAiCell,
  runAiCell,
  type AiEvent,
  type AiSettings,
  type ConfirmFn,
  type RunAiCellOptions,
  type ToolCard,
} from '../../src/ai';
import { startMockLlm, type MockLlm, type MockRequest } from '../fixtures/mock-llm.mjs';

const KEY = 'sk-ant-test-DO-NOT-LEAK-5f3a9c';
let llm: MockLlm;

beforeAll(async () => {
  llm = await startMockLlm();
});
afterAll(async () => {
  await llm.close();
});
beforeEach(() => llm.reset());

function settings(overrides: Partial<AiSettings> = {}): AiSettings {
  return { apiKey: KEY, model: 'claude-test', baseURL: llm.url, ...overrides };
}

const approve: ConfirmFn = async () => 'approve';

function notebook(cells: NewCell[]) {
  return createNotebookDoc({ id: 'nb-test', title: 'Test', cells });
}

/** Runs a turn with test defaults; collects events. */
async function turn(doc: Y.Doc, cellId: string, opts: Partial<RunAiCellOptions> = {}) {
  const events: Array<AiEvent & { t: number }> = [];
  const result = await runAiCell({
    doc,
    cellId,
    settings: settings(),
    confirm: approve,
    storage: memoryStorage(),
    client: { maxRetries: 0 },
    ...opts,
    onEvent: (e) => {
      events.push({ ...e, t: performance.now() });
      opts.onEvent?.(e);
    },
  });
  return { result, events };
}

/** The markdown of every transcript item of a cell, in order. */
function transcript(doc: Y.Doc, cellId: string): string[] {
  return (snapshotCell(doc, cellId)?.outputs ?? []).map((o) => (o.output_type === 'display_data' ? String(o.data['text/markdown']) : o.output_type));
}

function cards(doc: Y.Doc, cellId: string): ToolCard[] {
  return (snapshotCell(doc, cellId)?.outputs ?? []).flatMap((o) =>
    o.output_type === 'display_data' && o.data[AI_MIME.tool] ? [o.data[AI_MIME.tool] as ToolCard] : [],
  );
}

function errorOf(doc: Y.Doc, cellId: string): { kind: string; title: string; message: string } | undefined {
  const o = (snapshotCell(doc, cellId)?.outputs ?? []).find((x) => x.output_type === 'display_data' && x.data[AI_MIME.error]);
  return o?.output_type === 'display_data' ? (o.data[AI_MIME.error] as { kind: string; title: string; message: string }) : undefined;
}

/** The tool_result blocks of a request's last message. */
function toolResults(req: MockRequest | undefined): Array<{ tool_use_id: string; content: string; is_error?: boolean }> {
  const last = req?.body.messages[req.body.messages.length - 1];
  return Array.isArray(last?.content) ? (last.content.filter((b) => b.type === 'tool_result') as never) : [];
}

/**
 * Plays the executor: claims each queued run, "executes" it with `exec`, writes outputs and finishes it, the
 * way src/kernel's executor does through src/model. Returns a stop function.
 */
function fakeExecutor(doc: Y.Doc, exec: (source: string) => { outputs: Output[]; state?: 'done' | 'error' }, delayMs = 5): () => void {
  const me = { client: 4242, name: 'executor' };
  let busy = false;
  const pump = () => {
    if (busy) return;
    const run = liveRuns(doc).find((r) => r.state === 'queued');
    if (!run || !claimRun(doc, run.id, me, EXECUTOR)) return;
    busy = true;
    setTimeout(() => {
      const { outputs, state = 'done' } = exec(run.source);
      appendOutputs(doc, run.cellId, outputs, EXECUTOR);
      finishRun(doc, run.id, state, EXECUTOR, 7);
      busy = false;
      setTimeout(pump, 0);
    }, delayMs);
  };
  const onTx = () => setTimeout(pump, 0);
  doc.on('afterTransaction', onTx);
  return () => doc.off('afterTransaction', onTx);
}

describe('streaming answers', () => {
  it('streams the answer word by word into the cell, visible to every peer', async () => {
    const doc = notebook([
      { id: 'c1', type: 'code', source: 'x = 41' },
      { id: 'ai', type: 'ai', source: 'What is x?' },
    ]);
    // A second peer's copy of the document, kept in sync: it must see the answer grow, not only the end.
    const peer = new Y.Doc();
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(doc));
    const seenByPeer: string[] = [];
    doc.on('update', (u: Uint8Array) => {
      Y.applyUpdate(peer, u);
      const last = transcript(peer, 'ai').at(-1);
      if (last && seenByPeer.at(-1) !== last) seenByPeer.push(last);
    });
    const answer = 'x is 41, because the first cell sets it to 41 and nothing changes it afterwards.';
    llm.script([{ text: answer, chunks: 6, delayMs: 25 }]);
    const preview = previewAiRequest(doc, 'ai', settings());
    const { result, events } = await turn(doc, 'ai', { flushMs: 10 });

    expect(result).toEqual({ end: 'end_turn', steps: 1 });
    const texts = events.filter((e) => e.type === 'text');
    expect(texts.length).toBeGreaterThanOrEqual(5);
    expect(texts.at(-1)!.t - texts[0]!.t).toBeGreaterThan(60);
    expect(texts.map((e) => (e.type === 'text' ? e.delta : '')).join('')).toBe(answer);
    expect(transcript(doc, 'ai')).toEqual(['**You:** What is x?', answer]);
    // The peer saw partial answers before the whole one.
    const partials = seenByPeer.filter((s) => answer.startsWith(s) && s !== answer);
    expect(partials.length).toBeGreaterThanOrEqual(2);
    expect(transcript(peer, 'ai').at(-1)).toBe(answer);

    const state = readAiState(doc, 'ai');
    expect(state.status).toBe('done');
    expect(state.conversation).toEqual([
      { role: 'user', content: 'What is x?' },
      { role: 'assistant', content: [{ type: 'text', text: answer }] },
    ]);

    const [req] = llm.requests();
    expect(req!.body.stream).toBe(true);
    // "What the AI sees" is exactly what was sent (before the turn wrote its answer into the document).
    const { stream: _stream, ...sent } = req!.body;
    expect(sent).toEqual(preview);
    expect(req!.body.model).toBe('claude-test');
    expect(req!.body.system).toEqual([{ type: 'text', text: buildContext(doc, 'ai', { prompt: 'What is x?' }).system, cache_control: { type: 'ephemeral' } }]);
    expect(JSON.stringify(req!.body.system)).toContain('<cell id=\\"c1\\" type=\\"code\\" index=\\"0\\">');
    expect(req!.body.tools!.map((t) => t.name)).toEqual(['list_cells', 'read_cell', 'create_cell', 'modify_cell', 'delete_cell', 'run_cell']);
    const auth = String(req!.headers['x-api-key'] ?? req!.headers.authorization);
    expect(auth).toContain(KEY);
  });

  it('continues the conversation on a follow-up prompt in the same cell', async () => {
    const doc = notebook([{ id: 'ai', type: 'ai', source: 'First question' }]);
    llm.script([{ text: 'First answer.' }, { text: 'Second answer.' }]);
    await turn(doc, 'ai');
    setSource(doc, 'ai', 'Follow-up question', LOCAL);
    await turn(doc, 'ai');
    const second = llm.requests()[1]!;
    expect(second.body.messages).toEqual([
      { role: 'user', content: 'First question' },
      { role: 'assistant', content: [{ type: 'text', text: 'First answer.' }] },
      { role: 'user', content: 'Follow-up question' },
    ]);
    expect(transcript(doc, 'ai')).toEqual(['**You:** First question', 'First answer.', '**You:** Follow-up question', 'Second answer.']);
    resetAiCell(doc, 'ai', LOCAL);
    expect(readAiState(doc, 'ai').conversation).toEqual([]);
    expect(transcript(doc, 'ai')).toEqual([]);
  });

  it('answers a %%ai code cell like an AI cell', async () => {
    const doc = notebook([{ id: 'magic', type: 'code', source: '%%ai claude-magic\nExplain decorators' }]);
    llm.script([{ text: 'A decorator wraps a function.' }]);
    const { result } = await turn(doc, 'magic');
    expect(result.end).toBe('end_turn');
    expect(llm.requests()[0]!.body.model).toBe('claude-magic');
    expect(llm.requests()[0]!.body.messages).toEqual([{ role: 'user', content: 'Explain decorators' }]);
    expect(transcript(doc, 'magic').at(-1)).toBe('A decorator wraps a function.');
  });
});

describe('tools', () => {
  it('creates a cell, runs it through the run queue, and the model sees the run output next', async () => {
    const doc = notebook([
      { id: 'c1', type: 'code', source: 'x = 41' },
      { id: 'ai', type: 'ai', source: 'Print x + 1' },
      { id: 'c9', type: 'markdown', source: '# below' },
    ]);
    const stop = fakeExecutor(doc, (src) => ({ outputs: [{ output_type: 'stream', name: 'stdout', text: src === 'print(x + 1)' ? '42\n' : '?\n' }] }));
    llm.script([{ content: [{ type: 'text', text: 'I will add a cell.' }, { type: 'tool_use', name: 'create_cell', input: { cell_type: 'code', source: 'print(x + 1)' } }] }]);
    const asked: string[] = [];
    const { result } = await turn(doc, 'ai', {
      confirm: async (card) => {
        asked.push(card.name);
        return 'approve';
      },
      onEvent: (e) => {
        // The model's next move depends on the id it was given: script it when the create_cell card is done.
        if (e.type === 'tool_card' && e.card.name === 'create_cell' && e.card.status === 'done') {
          llm.script([{ content: [{ type: 'tool_use', name: 'run_cell', input: { cell_id: e.card.cellId } }] }, { text: 'It printed 42.' }]);
        }
      },
    });
    stop();

    expect(result).toEqual({ end: 'end_turn', steps: 3 });
    expect(asked).toEqual(['create_cell', 'run_cell']);
    const order = cellOrder(doc);
    expect(order).toHaveLength(4);
    const created = order[2]!;
    expect(order).toEqual(['c1', 'ai', created, 'c9']);
    expect(snapshotCell(doc, created)).toMatchObject({ type: 'code', source: 'print(x + 1)', executionCount: 7 });

    const reqs = llm.requests();
    expect(reqs).toHaveLength(3);
    expect(toolResults(reqs[1])[0]!.content).toContain(`Created code cell id="${created}"`);
    const runResult = toolResults(reqs[2])[0]!;
    expect(runResult.is_error).toBeUndefined();
    expect(runResult.content).toContain('The run finished.');
    expect(runResult.content).toContain('[stdout]\n42');
    expect(cards(doc, 'ai').map((c) => [c.name, c.status])).toEqual([
      ['create_cell', 'done'],
      ['run_cell', 'done'],
    ]);
    expect(cards(doc, 'ai')[0]!.diff).toBe('+print(x + 1)');
    expect(transcript(doc, 'ai').at(-1)).toBe('It printed 42.');
    // The stored conversation pairs every tool call with its result.
    const conv = readAiState(doc, 'ai').conversation;
    expect(conv.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user', 'assistant']);
  });

  it('reports a Python error from run_cell so the model can fix its code', async () => {
    const doc = notebook([
      { id: 'c1', type: 'code', source: 'print(y)' },
      { id: 'ai', type: 'ai', source: 'Run c1' },
    ]);
    const stop = fakeExecutor(doc, () => ({
      state: 'error',
      outputs: [{ output_type: 'error', ename: 'NameError', evalue: "name 'y' is not defined", traceback: ['Traceback (most recent call last):', "NameError: name 'y' is not defined"] }],
    }));
    llm.script([{ content: [{ type: 'tool_use', name: 'run_cell', input: { cell_id: 'c1' } }] }, { text: 'y is undefined.' }]);
    await turn(doc, 'ai');
    stop();
    const res = toolResults(llm.requests()[1])[0]!;
    expect(res.content).toContain('The cell raised an error.');
    expect(res.content).toContain("[error] NameError: name 'y' is not defined");
  });

  it('modify_cell shows the diff for approval and returns it to the model', async () => {
    const doc = notebook([
      { id: 'c1', type: 'code', source: 'a = 1\nb = 2\nprint(a)' },
      { id: 'ai', type: 'ai', source: 'print b too' },
    ]);
    llm.script([{ content: [{ type: 'tool_use', name: 'modify_cell', input: { cell_id: 'c1', source: 'a = 1\nb = 2\nprint(a, b)' } }] }, { text: 'Done.' }]);
    let seen: ToolCard | null = null;
    await turn(doc, 'ai', {
      confirm: async (card) => {
        seen = card;
        return 'approve';
      },
    });
    expect(seen!.diff).toBe(' a = 1\n b = 2\n-print(a)\n+print(a, b)');
    expect(seen!.summary).toBe('Modify cell c1 (+1 −1)');
    expect(snapshotCell(doc, 'c1')!.source).toBe('a = 1\nb = 2\nprint(a, b)');
    expect(toolResults(llm.requests()[1])[0]!.content).toContain('+print(a, b)');
  });

  it('a rejected tool call changes nothing and is reported to the model as an error', async () => {
    const doc = notebook([
      { id: 'c1', type: 'code', source: 'important = True' },
      { id: 'ai', type: 'ai', source: 'clean up' },
    ]);
    llm.script([{ content: [{ type: 'tool_use', name: 'delete_cell', input: { cell_id: 'c1' } }] }, { text: 'OK, I left it.' }]);
    const { result } = await turn(doc, 'ai', { confirm: async () => 'reject' });
    expect(result.end).toBe('end_turn');
    expect(snapshotCell(doc, 'c1')).not.toBeNull();
    const [res] = toolResults(llm.requests()[1]);
    expect(res!.is_error).toBe(true);
    expect(res!.content).toMatch(/rejected/);
    expect(cards(doc, 'ai')[0]!.status).toBe('rejected');
  });

  it('"always allow" is remembered for that tool in this notebook on this device', async () => {
    const doc = notebook([
      { id: 'c1', type: 'code', source: '1' },
      { id: 'ai', type: 'ai', source: 'run it twice' },
    ]);
    const stop = fakeExecutor(doc, () => ({ outputs: [] }));
    const storage = memoryStorage();
    llm.script([
      { content: [{ type: 'tool_use', name: 'run_cell', input: { cell_id: 'c1' } }] },
      { content: [{ type: 'tool_use', name: 'run_cell', input: { cell_id: 'c1' } }] },
      { text: 'Ran twice.' },
    ]);
    let asked = 0;
    await turn(doc, 'ai', {
      storage,
      confirm: async () => {
        asked++;
        return 'always';
      },
    });
    stop();
    expect(asked).toBe(1);
    expect(cards(doc, 'ai').map((c) => c.status)).toEqual(['done', 'done']);
  });

  it('read-only tools run without asking', async () => {
    const doc = notebook([
      { id: 'c1', type: 'code', source: 'x = 1' },
      { id: 'ai', type: 'ai', source: 'look' },
    ]);
    llm.script([{ content: [{ type: 'tool_use', name: 'list_cells', input: {} }, { type: 'tool_use', name: 'read_cell', input: { cell_id: 'c1' } }] }, { text: 'Seen.' }]);
    await turn(doc, 'ai', { confirm: () => Promise.reject(new Error('must not ask')) });
    const [list, read] = toolResults(llm.requests()[1]);
    expect(list!.content).toContain('0. id=c1 code: "x = 1"');
    expect(list!.content).toContain('1. id=ai ai (this AI cell)');
    expect(read!.content).toContain('<source>\nx = 1\n</source>');
  });

  it('run_cell gives up after its timeout when no executor picks the run up', async () => {
    const doc = notebook([
      { id: 'c1', type: 'code', source: 'x = 1' },
      { id: 'ai', type: 'ai', source: 'run' },
    ]);
    llm.script([{ content: [{ type: 'tool_use', name: 'run_cell', input: { cell_id: 'c1' } }] }, { text: 'No kernel.' }]);
    await turn(doc, 'ai', { runTimeoutMs: 150 });
    const [res] = toolResults(llm.requests()[1]);
    expect(res!.is_error).toBe(true);
    expect(res!.content).toMatch(/still queued .* no kernel has picked it up/);
  });
});

describe('privacy', () => {
  it('hidden cells are absent from every request, and read_cell cannot reach them', async () => {
    const doc = notebook([
      { id: 'visible', type: 'code', source: 'data = load()' },
      { id: 'hidden', type: 'code', source: 'TOKEN = "TOP-SECRET-VALUE"', metadata: { hideFromAI: true }, outputs: [{ output_type: 'stream', name: 'stdout', text: 'SECRET-OUTPUT' }] },
      { id: 'ai', type: 'ai', source: 'summarise' },
    ]);
    llm.script([
      { content: [{ type: 'tool_use', name: 'read_cell', input: { cell_id: 'hidden' } }, { type: 'tool_use', name: 'list_cells', input: {} }] },
      { text: 'Summary.' },
    ]);
    await turn(doc, 'ai');
    const sent = JSON.stringify(llm.requests().map((r) => r.body));
    expect(sent).toContain('data = load()');
    expect(sent).not.toContain('TOP-SECRET-VALUE');
    expect(sent).not.toContain('SECRET-OUTPUT');
    const [read, list] = toolResults(llm.requests()[1]);
    expect(read!.is_error).toBe(true);
    expect(list!.content).toContain('id=hidden (hidden from AI)');
  });

  it('the key is never in the document, nor in any request body', async () => {
    const doc = notebook([
      { id: 'c1', type: 'code', source: 'x = 1' },
      { id: 'ai', type: 'ai', source: 'make a cell' },
    ]);
    const stop = fakeExecutor(doc, () => ({ outputs: [{ output_type: 'stream', name: 'stdout', text: 'ok\n' }] }));
    llm.script([
      { content: [{ type: 'tool_use', name: 'create_cell', input: { cell_type: 'code', source: 'y = 2' } }] },
      { content: [{ type: 'tool_use', name: 'run_cell', input: { cell_id: 'c1' } }] },
      { text: 'Done.' },
    ]);
    await turn(doc, 'ai');
    // Errors must not leak it either.
    llm.script([{ error: { status: 401 } }]);
    await turn(doc, 'ai');
    stop();
    const bytes = Y.encodeStateAsUpdate(doc);
    const needle = new TextEncoder().encode(KEY);
    const hay = Buffer.from(bytes);
    expect(hay.indexOf(Buffer.from(needle))).toBe(-1);
    expect(hay.indexOf(Buffer.from(KEY.slice(-12)))).toBe(-1);
    expect(JSON.stringify(doc.toJSON())).not.toContain(KEY);
    for (const r of llm.requests()) expect(JSON.stringify(r.body)).not.toContain(KEY);
  });
});

describe('errors are messages in the cell with what to do', () => {
  const cases: Array<[string, Parameters<MockLlm['script']>[0][number], string, RegExp]> = [
    ['invalid key (401)', { error: { status: 401 } }, 'invalid_key', /Check the API key in Settings/],
    ['permission denied (403)', { error: { status: 403 } }, 'forbidden', /403/],
    ['rate limit with retry-after (429)', { error: { status: 429, retryAfter: 7 } }, 'rate_limit', /Try again in 7 seconds/],
    ['server error (500)', { error: { status: 500 } }, 'server', /run the cell again/],
    ['overloaded (529)', { error: { status: 529 } }, 'overloaded', /overloaded/],
    ['overloaded mid-stream', { streamError: { type: 'overloaded_error' }, text: 'partial answer' }, 'overloaded', /overloaded/],
    ['model refused', { stop_reason: 'refusal', text: 'I' }, 'refused', /Rephrase/],
    ['context window exceeded', { stop_reason: 'model_context_window_exceeded' }, 'context_too_long', /Hide large cells from AI/],
    ['prompt too long (400)', { error: { status: 400, message: 'prompt is too long: 250000 tokens > 200000 maximum' } }, 'context_too_long', /Hide large cells/],
    ['unknown model (404)', { error: { status: 404, message: 'model: nope' } }, 'not_found', /Check the model name/],
  ];
  for (const [name, response, kind, message] of cases) {
    it(name, async () => {
      const doc = notebook([{ id: 'ai', type: 'ai', source: 'hello' }]);
      llm.script([response]);
      const { result, events } = await turn(doc, 'ai');
      expect(result.end).toBe('error');
      expect(result.error!.kind).toBe(kind);
      expect(result.error!.message).toMatch(message);
      expect(errorOf(doc, 'ai')).toMatchObject({ kind, message: result.error!.message });
      expect(readAiState(doc, 'ai').status).toBe('error');
      expect(events.at(-1)!.type).toBe('done');
    });
  }

  it('no key: asks for one in Settings without sending anything', async () => {
    const doc = notebook([{ id: 'ai', type: 'ai', source: 'hello' }]);
    const { result } = await turn(doc, 'ai', { settings: settings({ apiKey: null }) });
    expect(result.error!.kind).toBe('no_key');
    expect(result.error!.message).toMatch(/Add your Anthropic API key in Settings/);
    expect(llm.requests()).toHaveLength(0);
    expect(transcript(doc, 'ai').at(-1)).toMatch(/^\*\*No API key\.\*\* Add your Anthropic API key in Settings/);
    // Nothing was said, so the conversation did not grow: asking again does not repeat the prompt.
    expect(readAiState(doc, 'ai').conversation).toEqual([]);
  });

  it('network down: a connection error that mentions the base URL and CORS', async () => {
    const dead = await startMockLlm();
    const url = dead.url;
    await dead.close();
    const doc = notebook([{ id: 'ai', type: 'ai', source: 'hello' }]);
    const { result } = await turn(doc, 'ai', { settings: settings({ baseURL: url }) });
    expect(result.error!.kind).toBe('network');
    expect(result.error!.title).toBe('Connection error');
    expect(result.error!.message).toContain(new URL(url).host);
    expect(result.error!.message).toMatch(/CORS/);
  });

  it('an invalid Base URL is reported as a settings problem', async () => {
    const doc = notebook([{ id: 'ai', type: 'ai', source: 'hello' }]);
    const { result } = await turn(doc, 'ai', { settings: settings({ baseURL: 'not a url' }) });
    expect(result.error).toMatchObject({ kind: 'bad_settings', title: 'Invalid Base URL' });
    expect(llm.requests()).toHaveLength(0);
  });

  it('a cell already answering is not run twice at once', async () => {
    const doc = notebook([{ id: 'ai', type: 'ai', source: 'hello' }]);
    llm.script([{ text: 'one two three four', delayMs: 20 }]);
    const first = turn(doc, 'ai');
    const second = await turn(doc, 'ai');
    expect(second.result.error!.kind).toBe('busy');
    expect((await first).result.end).toBe('end_turn');
    expect(llm.requests()).toHaveLength(1);
  });

  it('a cell another present peer is answering is busy; one left running by a vanished peer is free', async () => {
    const doc = notebook([{ id: 'ai', type: 'ai', source: 'hello' }]);
    writeAiState(doc, 'ai', { version: 1, conversation: [], status: 'running', turns: 1, by: { client: 77, name: 'Ada' }, startedAt: Date.now() }, AI);
    const busy = await turn(doc, 'ai', { isPeerPresent: (c) => c === 77 });
    expect(busy.result.error!.message).toMatch(/Ada is running this AI cell/);
    llm.script([{ text: 'Taken over.' }]);
    const free = await turn(doc, 'ai', { isPeerPresent: () => false });
    expect(free.result.end).toBe('end_turn');
  });

  it('an empty prompt asks for one', async () => {
    const doc = notebook([{ id: 'ai', type: 'ai', source: '   ' }]);
    const { result } = await turn(doc, 'ai');
    expect(result.error!.kind).toBe('empty_prompt');
    expect(llm.requests()).toHaveLength(0);
    expect(transcript(doc, 'ai')).toEqual(['**Empty prompt.** Write a question or an instruction in the cell, then run it.']);
  });

  it('the mock answers CORS preflights by reflecting the requested headers', async () => {
    const res = await fetch(`${llm.url}/v1/messages`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type,x-stainless-os' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toBe('authorization,content-type,x-stainless-os');
  });
});

describe('bounds and interrupts', () => {
  it('stops after the step bound, and the conversation stays valid for a follow-up', async () => {
    const doc = notebook([{ id: 'ai', type: 'ai', source: 'loop forever' }]);
    const call = { content: [{ type: 'tool_use' as const, name: 'list_cells', input: {} }] };
    llm.script([call, call, call, call, call]);
    const { result } = await turn(doc, 'ai', { maxSteps: 3 });
    expect(result).toEqual({ end: 'max_steps', steps: 3 });
    expect(llm.requests()).toHaveLength(3);
    expect(transcript(doc, 'ai').at(-1)).toMatch(/Stopped after 3 steps/);
    expect(cards(doc, 'ai').map((c) => c.status)).toEqual(['done', 'done', 'skipped']);

    llm.reset();
    llm.script([{ text: 'Continuing.' }]);
    setSource(doc, 'ai', 'continue', LOCAL);
    await turn(doc, 'ai');
    const msgs = llm.requests()[0]!.body.messages;
    // Roles alternate, and the unexecuted call got a result joined with the new prompt.
    expect(msgs.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user', 'assistant', 'user']);
    const last = msgs.at(-1)!.content as Array<Record<string, unknown>>;
    expect(last.map((b) => b.type)).toEqual(['tool_result', 'text']);
    expect(last[0]!.is_error).toBe(true);
  });

  it('a tool call cut off by max_tokens is answered, so the next prompt is still valid', async () => {
    const doc = notebook([{ id: 'ai', type: 'ai', source: 'write a lot' }]);
    llm.script([{ content: [{ type: 'text', text: 'Here:' }, { type: 'tool_use', name: 'create_cell', input: {} }], stop_reason: 'max_tokens' }]);
    const { result } = await turn(doc, 'ai');
    expect(result.end).toBe('max_tokens');
    expect(transcript(doc, 'ai').at(-1)).toMatch(/length limit/);
    const conv = readAiState(doc, 'ai').conversation;
    expect(conv.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(JSON.stringify(conv[2])).toContain('tool_result');
  });

  it('a refused exchange is not kept in the conversation', async () => {
    const doc = notebook([{ id: 'ai', type: 'ai', source: 'something bad' }]);
    llm.script([{ stop_reason: 'refusal', text: 'I cannot' }]);
    await turn(doc, 'ai');
    expect(readAiState(doc, 'ai').conversation).toEqual([]);
  });

  it('interrupt stops a streaming answer at once and keeps what was said', async () => {
    const doc = notebook([{ id: 'ai', type: 'ai', source: 'talk' }]);
    llm.script([{ hang: true }]);
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 100);
    const t0 = performance.now();
    const { result } = await turn(doc, 'ai', { signal: ctl.signal });
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(result.end).toBe('stopped');
    expect(readAiState(doc, 'ai').status).toBe('stopped');
    expect(transcript(doc, 'ai').at(-1)).toMatch(/Stopped by the user/);
  });

  it('interrupt while waiting for approval answers the call as interrupted', async () => {
    const doc = notebook([
      { id: 'c1', type: 'code', source: 'x' },
      { id: 'ai', type: 'ai', source: 'delete it' },
    ]);
    llm.script([{ content: [{ type: 'text', text: 'Deleting.' }, { type: 'tool_use', name: 'delete_cell', input: { cell_id: 'c1' } }] }]);
    const ctl = new AbortController();
    const { result } = await turn(doc, 'ai', {
      signal: ctl.signal,
      confirm: () => {
        setTimeout(() => ctl.abort(), 20);
        return new Promise(() => {});
      },
    });
    expect(result.end).toBe('stopped');
    expect(snapshotCell(doc, 'c1')).not.toBeNull();
    const conv = readAiState(doc, 'ai').conversation;
    expect(conv.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(JSON.stringify(conv[2])).toContain('Interrupted by the user');
    expect(cards(doc, 'ai')[0]!.status).toBe('skipped');
  });

  it('interrupt while run_cell waits withdraws the queued run', async () => {
    const doc = notebook([
      { id: 'c1', type: 'code', source: 'x = 1' },
      { id: 'ai', type: 'ai', source: 'run' },
    ]);
    llm.script([{ content: [{ type: 'tool_use', name: 'run_cell', input: { cell_id: 'c1' } }] }]);
    const ctl = new AbortController();
    const { result } = await turn(doc, 'ai', {
      signal: ctl.signal,
      onEvent: (e) => {
        if (e.type === 'tool_card' && e.card.status === 'running') setTimeout(() => ctl.abort(), 20);
      },
    });
    expect(result.end).toBe('stopped');
    expect(liveRuns(doc)).toEqual([]);
    expect(cards(doc, 'ai')[0]!.status).toBe('error');
  });
});
