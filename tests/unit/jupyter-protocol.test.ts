/**
 * The Jupyter kernel's pure parts: wire messages into the app's KernelEvents (the shared output pipeline's input),
 * run endings, completion and inspect replies, what the user typed as a server, and the connection doctor's causes.
 */
import { describe, expect, it } from 'vitest';
import { completeReply, executeReply, inputRequest, inspectReply, iopubEvents, parseMessage, request } from '../../src/kernel/jupyter/messages';
import { diagnose, diagnosisText, serverCommand } from '../../src/kernel/jupyter/doctor';
import { channelsUrl, isMixedContent, parseServerInput } from '../../src/kernel/jupyter/rest';

function frame(channel: string, msgType: string, content: Record<string, unknown>, parent = 'run-1'): string {
  return JSON.stringify({
    channel,
    header: { msg_id: `m-${Math.random()}`, msg_type: msgType, session: 's', username: 'u', date: '', version: '5.3' },
    parent_header: { msg_id: parent, msg_type: 'execute_request' },
    metadata: {},
    content,
    buffers: [],
  });
}

function events(channel: string, msgType: string, content: Record<string, unknown>) {
  const msg = parseMessage(frame(channel, msgType, content));
  expect(msg).not.toBeNull();
  return iopubEvents(msg!);
}

describe('Jupyter messages → KernelEvents', () => {
  it('stream, display (with and without display id), update, execute_result, error, clear_output', () => {
    expect(events('iopub', 'stream', { name: 'stderr', text: 'warn\n' })).toEqual([{ type: 'stream', name: 'stderr', text: 'warn\n' }]);
    expect(events('iopub', 'display_data', { data: { 'text/plain': 'x' }, metadata: {}, transient: { display_id: 'd1' } })).toEqual([
      { type: 'display', data: { 'text/plain': 'x' }, metadata: {}, displayId: 'd1' },
    ]);
    expect(events('iopub', 'display_data', { data: { 'image/png': 'iVBOR' }, metadata: { 'image/png': { width: 10 } } })).toEqual([
      { type: 'display', data: { 'image/png': 'iVBOR' }, metadata: { 'image/png': { width: 10 } } },
    ]);
    expect(events('iopub', 'update_display_data', { data: { 'text/plain': 'y' }, metadata: {}, transient: { display_id: 'd1' } })).toEqual([
      { type: 'update_display', data: { 'text/plain': 'y' }, metadata: {}, displayId: 'd1' },
    ]);
    // An update without a display id has nothing to update.
    expect(events('iopub', 'update_display_data', { data: { 'text/plain': 'y' }, metadata: {} })).toEqual([]);
    expect(events('iopub', 'execute_result', { data: { 'text/html': ['<table>', '</table>'] }, metadata: {}, execution_count: 7 })).toEqual([
      { type: 'execute_result', data: { 'text/html': '<table></table>' }, metadata: {}, executionCount: 7 },
    ]);
    expect(events('iopub', 'error', { ename: 'ZeroDivisionError', evalue: 'division by zero', traceback: ['\x1b[31mTraceback', 3] })).toEqual([
      { type: 'error', ename: 'ZeroDivisionError', evalue: 'division by zero', traceback: ['\x1b[31mTraceback'] },
    ]);
    expect(events('iopub', 'clear_output', { wait: true })).toEqual([{ type: 'clear_output', wait: true }]);
    expect(events('iopub', 'status', { execution_state: 'busy' })).toEqual([]);
    expect(events('iopub', 'execute_input', { code: '1', execution_count: 1 })).toEqual([]);
  });

  it('comm_open / comm_msg / comm_close become the comm events the widget bridge reads (as from the browser kernel)', () => {
    // What ipywidgets 8 sends for an IntSlider (packages/schema/messages.md, protocol 2), as ipykernel frames it.
    const state = { _model_name: 'IntSliderModel', _model_module: '@jupyter-widgets/controls', value: 3 };
    expect(events('iopub', 'comm_open', { comm_id: 'w1', target_name: 'jupyter.widget', data: { state, buffer_paths: [] } })).toEqual([
      { type: 'comm', msgType: 'comm_open', commId: 'w1', targetName: 'jupyter.widget', data: { state, buffer_paths: [] } },
    ]);
    expect(events('iopub', 'comm_msg', { comm_id: 'w1', data: { method: 'echo_update', state: { value: 5 }, buffer_paths: [] } })).toEqual([
      { type: 'comm', msgType: 'comm_msg', commId: 'w1', data: { method: 'echo_update', state: { value: 5 }, buffer_paths: [] } },
    ]);
    expect(events('iopub', 'comm_close', { comm_id: 'w1', data: {} })).toEqual([{ type: 'comm', msgType: 'comm_close', commId: 'w1', data: {} }]);
    expect(events('iopub', 'comm_msg', { data: {} })).toEqual([]);
  });

  it('ignores frames that are not messages (binary, bad JSON, unknown channel) instead of failing', () => {
    expect(parseMessage(new ArrayBuffer(4))).toBeNull();
    expect(parseMessage('{not json')).toBeNull();
    expect(parseMessage(frame('bogus', 'stream', {}))).toBeNull();
    expect(parseMessage(JSON.stringify({ channel: 'iopub', header: {}, content: {} }))).toBeNull();
  });

  it('an execute_reply ends the run: ok, error, or interrupted (KeyboardInterrupt), with set_next_input as an event', () => {
    const ok = parseMessage(frame('shell', 'execute_reply', { status: 'ok', execution_count: 3, payload: [{ source: 'set_next_input', text: 'x = 1', replace: true }] }))!;
    expect(executeReply(ok, null)).toEqual({ status: 'ok', executionCount: 3, events: [{ type: 'set_next_input', text: 'x = 1', replace: true }] });
    const err = parseMessage(frame('shell', 'execute_reply', { status: 'error', execution_count: 4, ename: 'ValueError' }))!;
    expect(executeReply(err, null).status).toBe('error');
    const intr = parseMessage(frame('shell', 'execute_reply', { status: 'error', execution_count: 5, ename: 'KeyboardInterrupt' }))!;
    expect(executeReply(intr, null).status).toBe('interrupted');
    // Some kernels leave ename out of the reply: the error output seen during the run tells.
    const bare = parseMessage(frame('shell', 'execute_reply', { status: 'error', execution_count: 6 }))!;
    expect(executeReply(bare, 'KeyboardInterrupt').status).toBe('interrupted');
  });

  it('completion, inspect (colours stripped) and input requests', () => {
    const c = parseMessage(frame('shell', 'complete_reply', { status: 'ok', matches: ['print', 'property'], cursor_start: 0, cursor_end: 2 }))!;
    expect(completeReply(c, 2)).toEqual({ matches: ['print', 'property'], from: 0, to: 2 });
    const i = parseMessage(frame('shell', 'inspect_reply', { status: 'ok', found: true, data: { 'text/plain': '\x1b[0;31mSignature:\x1b[0m len(obj)' } }))!;
    expect(inspectReply(i)).toBe('Signature: len(obj)');
    const none = parseMessage(frame('shell', 'inspect_reply', { status: 'ok', found: false, data: {} }))!;
    expect(inspectReply(none)).toBeNull();
    const inp = parseMessage(frame('stdin', 'input_request', { prompt: 'Password: ', password: true }))!;
    expect(inputRequest(inp)).toEqual({ prompt: 'Password: ', password: true });
  });

  it('requests carry protocol 5.3 headers on their channel', () => {
    const r = request('shell', 'execute_request', { code: '1' }, 'sess', 'id-1');
    expect(r.channel).toBe('shell');
    expect(r.header).toMatchObject({ msg_id: 'id-1', msg_type: 'execute_request', session: 'sess', version: '5.3' });
  });
});

describe('the server the user typed', () => {
  it('takes a pasted Jupyter link apart: base URL without the UI page, token out of the URL', () => {
    expect(parseServerInput('http://127.0.0.1:8888/lab?token=abc', '')).toEqual({ url: 'http://127.0.0.1:8888/', token: 'abc' });
    expect(parseServerInput('https://hub.example.org/user/ada/tree', 't')).toEqual({ url: 'https://hub.example.org/user/ada/', token: 't' });
    expect(parseServerInput('https://gw.example.org/base', '')).toEqual({ url: 'https://gw.example.org/base/', token: '' });
    expect(parseServerInput('localhost:8888', '')).toBeNull();
    expect(parseServerInput('ftp://x/', '')).toBeNull();
  });

  it('the WebSocket URL carries the token in its query (a browser WebSocket has no headers)', () => {
    const url = channelsUrl({ url: 'https://gw.example.org/base/', token: 's3cret' }, 'k-1', 'sess');
    expect(url).toBe('wss://gw.example.org/base/api/kernels/k-1/channels?session_id=sess&token=s3cret');
  });

  it('mixed content: an https app may reach this machine over http, not another machine', () => {
    expect(isMixedContent({ url: 'http://127.0.0.1:8888/', token: '' }, 'https:')).toBe(false);
    expect(isMixedContent({ url: 'http://localhost:8888/', token: '' }, 'https:')).toBe(false);
    expect(isMixedContent({ url: 'http://gpu-box:8888/', token: '' }, 'https:')).toBe(true);
    expect(isMixedContent({ url: 'http://gpu-box:8888/', token: '' }, 'http:')).toBe(false);
  });
});

describe('the connection doctor', () => {
  const ctx = { appOrigin: 'https://anode.example', serverUrl: 'http://127.0.0.1:8890/', token: 'Zq9secret' };

  it('names each cause with its fix', () => {
    expect(diagnose({ kind: 'network' }, ctx)).toMatchObject({
      cause: 'unreachable',
      fix: "jupyter server --ServerApp.allow_origin='https://anode.example' --ServerApp.token='Zq9secret' --ServerApp.port=8890",
    });
    expect(diagnose({ kind: 'http', status: 403 }, ctx).cause).toBe('token');
    expect(diagnose({ kind: 'http', status: 401 }, ctx).cause).toBe('token');
    expect(diagnose({ kind: 'http', status: 404 }, ctx).cause).toBe('not-jupyter');
    expect(diagnose({ kind: 'http', status: 500, message: 'boom' }, ctx)).toMatchObject({ cause: 'server-error', title: expect.stringContaining('boom') });
    expect(diagnose({ kind: 'mixed-content' }, ctx).fix).toContain('--ServerApp.certfile');
    expect(diagnose({ kind: 'kernel-died', kernelName: 'ir' }, ctx)).toMatchObject({ cause: 'kernel-died', fix: "jupyter console --kernel='ir'" });
    expect(diagnose({ kind: 'websocket' }, ctx).cause).toBe('websocket');
    expect(diagnose({ kind: 'bad-url' }, ctx).cause).toBe('bad-url');
  });

  it('a server on another machine listens beyond loopback; quotes survive the shell', () => {
    expect(serverCommand({ appOrigin: 'http://a', serverUrl: 'http://gpu:8888/', token: "it's" })).toBe(
      "jupyter server --ServerApp.allow_origin='http://a' --ServerApp.token='it'\\''s' --ServerApp.ip=0.0.0.0",
    );
  });

  it('the text that goes into the document never holds the token', () => {
    for (const f of [{ kind: 'network' }, { kind: 'http', status: 403 }, { kind: 'mixed-content' }, { kind: 'websocket' }] as const) {
      expect(diagnosisText(diagnose(f, ctx))).not.toContain('Zq9secret');
    }
  });
});
