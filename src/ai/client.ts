/**
 * The Anthropic client as Anode uses it: created from this device's settings, called straight from the
 * browser (no server of ours in between), one streamed message at a time. Every failure leaves here as an
 * `AiError` whose message tells the user what happened and what to do about it.
 *
 * The SDK (~87 KB gzip) is imported lazily, so importing `src/ai` for settings or `isAiPrompt` costs nothing
 * until the first AI cell runs. Errors are classified by `instanceof` against the loaded SDK and by `.status`,
 * never by class name: bundling mangles names.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { AiSettings } from './settings';

type Sdk = typeof import('@anthropic-ai/sdk');
type MessageParam = Anthropic.MessageParam;
type ContentBlockParam = Anthropic.ContentBlockParam;
type Tool = Anthropic.Tool;
type StopReason = Anthropic.StopReason;

let sdk: Sdk | null = null;

/** Loads the SDK once (a separate chunk in the build). */
export async function loadSdk(): Promise<Sdk> {
  return (sdk ??= await import('@anthropic-ai/sdk'));
}

/** What kind of failure, for code; `AiError.message` is the sentence for the user. */
export type AiErrorKind =
  | 'no_key'
  | 'invalid_key'
  | 'forbidden'
  | 'billing'
  | 'not_found'
  | 'rate_limit'
  | 'overloaded'
  | 'server'
  | 'network'
  | 'refused'
  | 'context_too_long'
  | 'bad_request'
  | 'aborted'
  | 'empty_prompt'
  | 'bad_settings'
  | 'busy'
  | 'unknown';

/** A failure of an AI request, with a short title and a message that says what to do. */
export class AiError extends Error {
  readonly kind: AiErrorKind;
  readonly title: string;
  readonly status: number | undefined;
  /** Seconds the API asked us to wait (429, 529), when it said. */
  readonly retryAfterSeconds: number | undefined;

  constructor(kind: AiErrorKind, title: string, message: string, extra: { status?: number; retryAfterSeconds?: number } = {}) {
    super(message);
    this.kind = kind;
    this.title = title;
    this.status = extra.status;
    this.retryAfterSeconds = extra.retryAfterSeconds;
  }
}

/** Whether a value is an AiError (works across bundle chunks, unlike instanceof on a duplicated class). */
export function isAiError(e: unknown): e is AiError {
  return typeof e === 'object' && e !== null && typeof (e as AiError).kind === 'string' && typeof (e as AiError).title === 'string';
}

/** The error shown when no key is set: the one failure that needs no request. */
export function noKeyError(): AiError {
  return new AiError('no_key', 'No API key', 'Add your Anthropic API key in Settings. It is kept on this device only.');
}

/** The error for a stop_reason of "refusal". */
export function refusedError(): AiError {
  return new AiError(
    'refused',
    'The model declined to answer',
    'The model stopped because the request conflicts with its usage policy. Rephrase the prompt, or hide cells from AI that should not be part of it.',
  );
}

/** The error for a context that does not fit the model. */
export function contextTooLongError(): AiError {
  return new AiError(
    'context_too_long',
    'The context is too long',
    "The notebook above this cell plus the conversation do not fit the model's context window. Hide large cells from AI, clear long outputs, or clear this cell's conversation and ask again.",
  );
}

/** The error for an interrupt by the user. */
export function abortedError(): AiError {
  return new AiError('aborted', 'Stopped', 'You stopped this answer. Run the cell again to continue.');
}

function retryAfter(headers: unknown): number | undefined {
  const get = (name: string): string | null =>
    headers && typeof (headers as Headers).get === 'function' ? (headers as Headers).get(name) : null;
  const ms = Number(get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return Math.ceil(ms / 1000);
  const raw = get('retry-after');
  if (!raw) return undefined;
  const s = Number(raw);
  if (Number.isFinite(s) && s >= 0) return Math.ceil(s);
  const at = Date.parse(raw);
  return Number.isFinite(at) ? Math.max(0, Math.ceil((at - Date.now()) / 1000)) : undefined;
}

/** The API's own explanation, if the response carried one (for 400s, whose causes vary). */
function apiMessage(e: unknown): string {
  const o = e as { apiMessage?: unknown; error?: { error?: { message?: unknown } } };
  if (typeof o.apiMessage === 'string') return o.apiMessage;
  const m = o.error?.error?.message;
  return typeof m === 'string' ? m : '';
}

function errorType(e: unknown): string {
  const o = e as { type?: unknown; error?: { error?: { type?: unknown }; type?: unknown } };
  if (typeof o.type === 'string') return o.type;
  const t = o.error?.error?.type ?? o.error?.type;
  return typeof t === 'string' ? t : '';
}

const CONTEXT_TOO_LONG = /prompt is too long|context (window|length)|too many (input )?tokens|exceeds? the (model'?s )?(maximum|context)/i;

function byStatus(status: number, e: unknown, host: string): AiError {
  const wait = retryAfter((e as { headers?: unknown }).headers);
  const detail = apiMessage(e);
  switch (status) {
    case 400:
      if (CONTEXT_TOO_LONG.test(detail)) return contextTooLongError();
      return new AiError('bad_request', 'The API rejected the request', `${detail || 'Bad request (400).'} Check the model in Settings.`, { status });
    case 401:
      return new AiError(
        'invalid_key',
        'Invalid API key',
        'The API did not accept your key (401). Check the API key in Settings, or create a new one in the Anthropic console.',
        { status },
      );
    case 402:
      return new AiError('billing', 'Billing problem', 'The API refused the request for billing reasons (402). Check your plan and credits in the Anthropic console.', { status });
    case 403:
      return new AiError(
        'forbidden',
        'Permission denied',
        'This key is not allowed to make this request (403). Check the model in Settings and the key\'s permissions in the Anthropic console.',
        { status },
      );
    case 404:
      return new AiError('not_found', 'Model or endpoint not found', `The API answered 404${detail ? `: ${detail}` : ''}. Check the model name and the Base URL in Settings.`, { status });
    case 413:
      return contextTooLongError();
    case 429:
      return new AiError(
        'rate_limit',
        'Rate limit reached',
        wait !== undefined
          ? `Too many requests for this key (429). Try again in ${wait} second${wait === 1 ? '' : 's'}.`
          : 'Too many requests for this key (429). Wait a minute and run the cell again.',
        { status, ...(wait !== undefined ? { retryAfterSeconds: wait } : {}) },
      );
    case 529:
      return new AiError('overloaded', 'The API is overloaded', "Anthropic's API is temporarily overloaded (529). Run the cell again in a moment.", {
        status,
        ...(wait !== undefined ? { retryAfterSeconds: wait } : {}),
      });
    default:
      if (status >= 500) {
        return new AiError('server', 'The API had a server error', `${host} answered ${status}. This is usually temporary: run the cell again in a moment.`, { status });
      }
      return new AiError('unknown', 'Unexpected answer from the API', `${host} answered ${status}${detail ? `: ${detail}` : ''}.`, { status });
  }
}

/** Errors that arrive inside a 200 stream (an SSE `error` event) carry a type but no status. */
function byType(type: string, e: unknown, host: string): AiError | null {
  switch (type) {
    case 'overloaded_error':
      return byStatus(529, e, host);
    case 'rate_limit_error':
      return byStatus(429, e, host);
    case 'api_error':
      return byStatus(500, e, host);
    case 'authentication_error':
      return byStatus(401, e, host);
    case 'permission_error':
      return byStatus(403, e, host);
    case 'request_too_large':
      return contextTooLongError();
    case 'invalid_request_error':
      return byStatus(400, e, host);
    default:
      return null;
  }
}

function hostOf(baseURL: string | null | undefined): string {
  try {
    return new URL(baseURL || 'https://api.anthropic.com').host;
  } catch {
    return String(baseURL);
  }
}

/**
 * Maps anything thrown while talking to the API to an AiError with a message for the user.
 * `signal` tells an interrupt apart from a dropped connection (both surface as fetch aborts).
 */
export function toAiError(e: unknown, opts: { baseURL?: string | null; signal?: AbortSignal } = {}): AiError {
  if (isAiError(e)) return e;
  if (opts.signal?.aborted) return abortedError();
  const host = hostOf(opts.baseURL);
  const status = (e as { status?: unknown } | null)?.status;
  if (typeof status === 'number') return byStatus(status, e, host);
  const typed = byType(errorType(e), e, host);
  if (typed) return typed;
  if (sdk && e instanceof sdk.APIUserAbortError) return abortedError();
  const isConnection = sdk ? e instanceof sdk.APIConnectionError : false;
  const name = (e as { name?: unknown } | null)?.name;
  // A fetch that fails outright is a TypeError whose wording differs per browser; other TypeErrors are bugs and
  // must not be passed off as the user's network.
  const fetchFailed = e instanceof TypeError && /fetch|network|load failed/i.test(e.message);
  if (isConnection || fetchFailed || name === 'AbortError') {
    return new AiError(
      'network',
      'Connection error',
      `Could not reach ${host}. Check that you are online. If you set a Base URL in Settings, check that it is right and that the server accepts requests from a browser (CORS).`,
    );
  }
  const text = e instanceof Error ? e.message : String(e);
  return new AiError('unknown', 'Something went wrong', `${text || 'Unknown error'}. Run the cell again; if it keeps failing, check Settings.`);
}

/**
 * Why a Base URL cannot work, or null when it is fine (blank means Anthropic's API). For the settings form as
 * well: it can show the problem as the user types.
 */
export function baseURLProblem(baseURL: string | null | undefined): string | null {
  if (!baseURL || !baseURL.trim()) return null;
  let url: URL;
  try {
    url = new URL(baseURL.trim());
  } catch {
    return `"${baseURL}" is not a URL (it should look like https://proxy.example.com).`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `The Base URL must start with https:// or http://.`;
  return null;
}

/** Options for `createClient` that tests and the bench need; the app passes none. */
export interface ClientOptions {
  /** Retries of 429/5xx/connection errors with backoff (the SDK honours retry-after). Default 2. */
  maxRetries?: number;
  /** Per-request timeout in ms. Default 10 minutes (the SDK's). */
  timeout?: number;
  fetch?: typeof fetch;
}

/**
 * An Anthropic client for these settings. Throws the "no key" AiError when none is set. The SDK's own logger
 * is silenced: its debug lines could include request headers, and the key must never reach a log.
 */
export async function createClient(settings: AiSettings, opts: ClientOptions = {}): Promise<Anthropic> {
  if (!settings.apiKey) throw noKeyError();
  const badURL = baseURLProblem(settings.baseURL);
  if (badURL) throw new AiError('bad_settings', 'Invalid Base URL', `${badURL} Fix or clear the Base URL in Settings.`);
  const { default: AnthropicCtor } = await loadSdk();
  return new AnthropicCtor({
    apiKey: settings.apiKey,
    ...(settings.baseURL ? { baseURL: settings.baseURL } : {}),
    // The user's own key in the user's own browser: exactly the case this flag exists for.
    dangerouslyAllowBrowser: true,
    maxRetries: opts.maxRetries ?? 2,
    ...(opts.timeout !== undefined ? { timeout: opts.timeout } : {}),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    logLevel: 'off',
    openTelemetry: false,
  });
}

/** A tool call as streamed by the model. */
export interface ToolUse {
  id: string;
  name: string;
  input: Record<string, unknown>;
}

/** One complete model response, reduced to what the agent keeps: text and tool calls, in order. */
export interface StreamedMessage {
  content: ContentBlockParam[];
  toolUses: ToolUse[];
  text: string;
  stopReason: StopReason | null;
}

/** Callbacks of `streamMessage`, called as events arrive. */
export interface StreamHandlers {
  onText?: (delta: string) => void;
  /** A tool_use block is complete (its input fully parsed). */
  onToolUse?: (call: ToolUse) => void;
}

/** The request fields the agent sets. */
export interface MessageRequest {
  model: string;
  system: string;
  messages: MessageParam[];
  tools: Tool[];
  maxTokens: number;
}

/** The exact JSON body of a request (without `stream`): what "what the AI sees" shows, and what is sent. */
export function requestBody(req: MessageRequest): Anthropic.MessageCreateParamsNonStreaming {
  return {
    model: req.model,
    max_tokens: req.maxTokens,
    // A cache breakpoint after tools + system: every step of a tool loop resends them unchanged.
    system: [{ type: 'text', text: req.system, cache_control: { type: 'ephemeral' } }],
    messages: req.messages,
    tools: req.tools,
  };
}

function parseInput(json: string): Record<string, unknown> {
  if (!json.trim()) return {};
  try {
    const v: unknown = JSON.parse(json);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };
  } catch {
    // A truncated tool call (max_tokens mid-JSON): the handler will report the missing fields to the model.
    return {};
  }
}

/**
 * Streams one message. Resolves with the accumulated content; rejects with an AiError (an interrupt via
 * `signal` rejects with kind "aborted", even though the SDK ends an aborted stream silently).
 */
export async function streamMessage(
  client: Anthropic,
  req: MessageRequest,
  handlers: StreamHandlers = {},
  signal?: AbortSignal,
): Promise<StreamedMessage> {
  const baseURL = client.baseURL;
  type Block = { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; json: string } | { type: 'other' };
  const blocks: Block[] = [];
  let stopReason: StopReason | null = null;
  const toolUses: ToolUse[] = [];
  try {
    if (signal?.aborted) throw abortedError();
    const stream = await client.messages.create({ ...requestBody(req), stream: true }, signal ? { signal } : {});
    for await (const ev of stream) {
      switch (ev.type) {
        case 'content_block_start': {
          const b = ev.content_block;
          if (b.type === 'text') blocks[ev.index] = { type: 'text', text: b.text };
          else if (b.type === 'tool_use') blocks[ev.index] = { type: 'tool_use', id: b.id, name: b.name, json: '' };
          else blocks[ev.index] = { type: 'other' };
          if (b.type === 'text' && b.text) handlers.onText?.(b.text);
          break;
        }
        case 'content_block_delta': {
          const b = blocks[ev.index];
          if (ev.delta.type === 'text_delta' && b?.type === 'text') {
            b.text += ev.delta.text;
            handlers.onText?.(ev.delta.text);
          } else if (ev.delta.type === 'input_json_delta' && b?.type === 'tool_use') {
            b.json += ev.delta.partial_json;
          }
          break;
        }
        case 'content_block_stop': {
          const b = blocks[ev.index];
          if (b?.type === 'tool_use') {
            const call = { id: b.id, name: b.name, input: parseInput(b.json) };
            toolUses.push(call);
            handlers.onToolUse?.(call);
          }
          break;
        }
        case 'message_delta':
          stopReason = ev.delta.stop_reason;
          break;
        default:
          break;
      }
    }
    if (signal?.aborted) throw abortedError();
  } catch (e) {
    throw toAiError(e, { baseURL, ...(signal ? { signal } : {}) });
  }
  const content: ContentBlockParam[] = [];
  let text = '';
  const byId = new Map(toolUses.map((t) => [t.id, t]));
  for (const b of blocks) {
    if (b?.type === 'text' && b.text) {
      // The API rejects empty text blocks in a request, so they are not kept.
      content.push({ type: 'text', text: b.text });
      text += b.text;
    } else if (b?.type === 'tool_use') {
      content.push({ type: 'tool_use', id: b.id, name: b.name, input: byId.get(b.id)?.input ?? {} });
    }
  }
  return { content, toolUses, text, stopReason };
}
