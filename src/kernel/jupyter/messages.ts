/**
 * The Jupyter messaging protocol (v5) as it crosses a Jupyter server's kernel WebSocket (JSON text frames, one
 * message per frame, tagged with its channel), and its translation into the app's {@link KernelEvent}s: the same
 * events the Pyodide worker emits, so both kernels feed the one output pipeline (../outputWriter.ts). Pure: no DOM,
 * no sockets, so Node tests cover it.
 */
import type { CompletionResult, KernelEvent, MimeData, RunStatus } from '../protocol';

export type Channel = 'shell' | 'iopub' | 'stdin' | 'control';

export interface MessageHeader {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
}

export interface JupyterMessage {
  channel: Channel;
  header: MessageHeader;
  /** The request this message answers or belongs to; `{}` when none. */
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
  buffers?: unknown[];
}

export const PROTOCOL_VERSION = '5.3';

/** A new request message on `channel`. */
export function request(channel: Channel, msgType: string, content: Record<string, unknown>, session: string, msgId: string): JupyterMessage {
  return {
    channel,
    header: { msg_id: msgId, msg_type: msgType, session, username: 'anode', date: new Date().toISOString(), version: PROTOCOL_VERSION },
    parent_header: {},
    metadata: {},
    content,
  };
}

/** Parses one WebSocket frame; null for anything that is not a well-formed message (it is ignored, not fatal). */
export function parseMessage(frame: unknown): JupyterMessage | null {
  if (typeof frame !== 'string') return null;
  let m: unknown;
  try {
    m = JSON.parse(frame);
  } catch {
    return null;
  }
  if (!isRecord(m) || !isRecord(m.header) || !isRecord(m.content)) return null;
  const channel = m.channel;
  if (channel !== 'shell' && channel !== 'iopub' && channel !== 'stdin' && channel !== 'control') return null;
  if (typeof m.header.msg_type !== 'string') return null;
  return {
    channel,
    header: m.header as unknown as MessageHeader,
    parent_header: isRecord(m.parent_header) ? (m.parent_header as Partial<MessageHeader>) : {},
    metadata: isRecord(m.metadata) ? m.metadata : {},
    content: m.content,
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** nbformat allows multiline strings as lists of lines; the wire usually sends strings, but both are accepted. */
function mimeBundle(v: unknown): MimeData {
  if (!isRecord(v)) return {};
  const out: MimeData = {};
  for (const [k, val] of Object.entries(v)) out[k] = Array.isArray(val) && val.every((x) => typeof x === 'string') ? val.join('') : val;
  return out;
}

function displayId(content: Record<string, unknown>): string | undefined {
  const t = content.transient;
  return isRecord(t) && typeof t.display_id === 'string' ? t.display_id : undefined;
}

/** The output events an iopub message carries (none for status, execute_input and the like). */
export function iopubEvents(msg: JupyterMessage): KernelEvent[] {
  const c = msg.content;
  const metadata = isRecord(c.metadata) ? c.metadata : {};
  switch (msg.header.msg_type) {
    case 'stream':
      return [{ type: 'stream', name: c.name === 'stderr' ? 'stderr' : 'stdout', text: str(c.text) }];
    case 'display_data': {
      const id = displayId(c);
      return [{ type: 'display', data: mimeBundle(c.data), metadata, ...(id ? { displayId: id } : {}) }];
    }
    case 'update_display_data': {
      const id = displayId(c);
      return id ? [{ type: 'update_display', data: mimeBundle(c.data), metadata, displayId: id }] : [];
    }
    case 'execute_result': {
      const id = displayId(c);
      const count = typeof c.execution_count === 'number' ? c.execution_count : 0;
      // A result with a display id is a display the cell may update later: it is shown as one.
      if (id) return [{ type: 'display', data: mimeBundle(c.data), metadata, displayId: id }];
      return [{ type: 'execute_result', data: mimeBundle(c.data), metadata, executionCount: count }];
    }
    case 'error':
      return [
        {
          type: 'error',
          ename: str(c.ename),
          evalue: str(c.evalue),
          traceback: Array.isArray(c.traceback) ? c.traceback.filter((l): l is string => typeof l === 'string') : [],
        },
      ];
    case 'clear_output':
      return [{ type: 'clear_output', wait: c.wait === true }];
    case 'comm_open':
    case 'comm_msg':
    case 'comm_close': {
      // Widgets (ipywidgets and any comm target): the same event the browser kernel emits, so the executor's widget
      // bridge serves both. Binary buffers come in binary frames, which this JSON client does not read.
      if (typeof c.comm_id !== 'string' || !c.comm_id) return [];
      return [
        {
          type: 'comm',
          msgType: msg.header.msg_type,
          commId: c.comm_id,
          data: isRecord(c.data) ? c.data : {},
          ...(typeof c.target_name === 'string' ? { targetName: c.target_name } : {}),
          ...(isRecord(msg.metadata) && Object.keys(msg.metadata).length ? { metadata: msg.metadata } : {}),
        },
      ];
    }
    default:
      return [];
  }
}

/** The kernel's execution state from an iopub `status` message, or null for any other message. */
export function executionState(msg: JupyterMessage): 'starting' | 'idle' | 'busy' | null {
  if (msg.header.msg_type !== 'status') return null;
  const s = msg.content.execution_state;
  return s === 'starting' || s === 'idle' || s === 'busy' ? s : null;
}

/** What an execute_reply says: how the run ended, its count, and IPython's set_next_input payload as an event. */
export function executeReply(msg: JupyterMessage, lastError: string | null): { status: RunStatus; executionCount: number; events: KernelEvent[] } {
  const c = msg.content;
  const executionCount = typeof c.execution_count === 'number' ? c.execution_count : 0;
  const events: KernelEvent[] = [];
  for (const p of Array.isArray(c.payload) ? c.payload : []) {
    if (isRecord(p) && p.source === 'set_next_input' && typeof p.text === 'string') {
      events.push({ type: 'set_next_input', text: p.text, replace: p.replace === true });
    }
  }
  const ename = typeof c.ename === 'string' ? c.ename : lastError;
  const status: RunStatus = c.status === 'ok' ? 'ok' : ename === 'KeyboardInterrupt' ? 'interrupted' : 'error';
  return { status, executionCount, events };
}

/** A complete_reply as the editor's completion source wants it. */
export function completeReply(msg: JupyterMessage, cursor: number): CompletionResult {
  const c = msg.content;
  if (c.status !== 'ok' || !Array.isArray(c.matches)) return { matches: [], from: cursor, to: cursor };
  return {
    matches: c.matches.filter((m): m is string => typeof m === 'string'),
    from: typeof c.cursor_start === 'number' ? c.cursor_start : cursor,
    to: typeof c.cursor_end === 'number' ? c.cursor_end : cursor,
  };
}

// ANSI colour codes (CSI … m and other CSI sequences): IPython colours its inspect text for terminals.
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** An inspect_reply's plain text (IPython's colours stripped), or null when nothing was found. */
export function inspectReply(msg: JupyterMessage): string | null {
  const c = msg.content;
  if (c.status !== 'ok' || c.found !== true || !isRecord(c.data)) return null;
  const text = mimeBundle(c.data)['text/plain'];
  return typeof text === 'string' ? text.replace(ANSI, '') : null;
}

/** A kernel's input_request: the prompt, and whether it is a password (getpass). */
export function inputRequest(msg: JupyterMessage): { prompt: string; password: boolean } | null {
  if (msg.header.msg_type !== 'input_request') return null;
  return { prompt: str(msg.content.prompt), password: msg.content.password === true };
}
