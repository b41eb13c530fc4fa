/**
 * AI settings of this device: the user's API key, the model and an optional base URL. They live in
 * localStorage (or an injected storage in tests) and nowhere else: never in the Y.Doc, never in awareness,
 * never in a log line. The per-notebook "always allow" choices for tool calls live here too, for the same
 * reason: they are one user's trust decision on one device, not a fact about the notebook.
 */

/** The subset of the Web Storage API the settings need; `memoryStorage()` implements it for tests. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** localStorage keys. Exported so the UI and e2e tests can seed or inspect them. */
export const AI_STORAGE_KEYS = {
  apiKey: 'anode.ai.apiKey',
  model: 'anode.ai.model',
  baseURL: 'anode.ai.baseURL',
  alwaysAllow: 'anode.ai.alwaysAllow',
} as const;

/** The model used when the user has not picked one. */
export const DEFAULT_MODEL = 'claude-sonnet-5-5';

/** Suggestions for the "Model" field; any other model id the API accepts may be typed in. */
export const MODEL_SUGGESTIONS: readonly string[] = ['claude-sonnet-5-5', 'claude-opus-5-5', 'claude-haiku-5-5'];

/** What the AI client needs. `apiKey` null means the user has not entered one yet. */
export interface AiSettings {
  apiKey: string | null;
  model: string;
  /** null: the SDK's default (https://api.anthropic.com). */
  baseURL: string | null;
}

/** An in-memory storage: for Node tests, and as the fallback when localStorage is unavailable. */
export function memoryStorage(initial: Record<string, string> = {}): KeyValueStorage {
  const m = new Map(Object.entries(initial));
  return {
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, v),
    removeItem: (k) => void m.delete(k),
  };
}

let fallback: KeyValueStorage | null = null;

/**
 * The browser's localStorage, or a process-wide memory storage where there is none (Node) or where access
 * throws (some privacy modes): settings then last for the session instead of failing the whole feature.
 */
export function defaultStorage(): KeyValueStorage {
  try {
    const ls = (globalThis as { localStorage?: KeyValueStorage }).localStorage;
    if (ls) {
      ls.getItem(AI_STORAGE_KEYS.model);
      return ls;
    }
  } catch {
    // Fall through to memory.
  }
  return (fallback ??= memoryStorage());
}

function clean(value: string | null | undefined): string | null {
  const v = value?.trim();
  return v ? v : null;
}

/** Reads the settings; missing or blank values become null (key, base URL) or the default model. */
export function readAiSettings(storage: KeyValueStorage = defaultStorage()): AiSettings {
  return {
    apiKey: clean(storage.getItem(AI_STORAGE_KEYS.apiKey)),
    model: clean(storage.getItem(AI_STORAGE_KEYS.model)) ?? DEFAULT_MODEL,
    baseURL: clean(storage.getItem(AI_STORAGE_KEYS.baseURL)),
  };
}

/**
 * Saves the given fields. A blank or null value removes the field (blank model means the default, blank base
 * URL means Anthropic's API). Values are trimmed: a key pasted with a trailing newline must still work.
 */
export function saveAiSettings(
  patch: Partial<{ apiKey: string | null; model: string | null; baseURL: string | null }>,
  storage: KeyValueStorage = defaultStorage(),
): void {
  for (const field of ['apiKey', 'model', 'baseURL'] as const) {
    if (!(field in patch)) continue;
    const v = clean(patch[field]);
    if (v === null) storage.removeItem(AI_STORAGE_KEYS[field]);
    else storage.setItem(AI_STORAGE_KEYS[field], v);
  }
}

/** The "Forget key" button: removes the key from this device. */
export function forgetApiKey(storage: KeyValueStorage = defaultStorage()): void {
  storage.removeItem(AI_STORAGE_KEYS.apiKey);
}

/**
 * A key as it may be shown on screen ("sk-ant-…wxyz"), so the user can tell which key is set without the
 * settings dialog ever re-displaying the secret.
 */
export function maskApiKey(key: string | null): string {
  if (!key) return '';
  if (key.length <= 12) return '…' + key.slice(-2);
  return `${key.slice(0, 7)}…${key.slice(-4)}`;
}

function readAllowMap(storage: KeyValueStorage): Record<string, string[]> {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(AI_STORAGE_KEYS.alwaysAllow) ?? '{}');
    if (typeof parsed !== 'object' || parsed === null) return {};
    const out: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(parsed)) {
      if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === 'string');
    }
    return out;
  } catch {
    return {};
  }
}

/** Tool names the user chose to "always allow" in this notebook, on this device. */
export function alwaysAllowedTools(notebookId: string, storage: KeyValueStorage = defaultStorage()): Set<string> {
  return new Set(readAllowMap(storage)[notebookId] ?? []);
}

/** Remembers "always allow `tool` in this notebook" on this device. */
export function allowToolAlways(notebookId: string, tool: string, storage: KeyValueStorage = defaultStorage()): void {
  const map = readAllowMap(storage);
  const tools = new Set(map[notebookId] ?? []);
  tools.add(tool);
  map[notebookId] = [...tools].sort();
  storage.setItem(AI_STORAGE_KEYS.alwaysAllow, JSON.stringify(map));
}

/** Forgets every "always allow" choice for a notebook (a settings action: "ask again"). */
export function resetAlwaysAllowed(notebookId: string, storage: KeyValueStorage = defaultStorage()): void {
  const map = readAllowMap(storage);
  delete map[notebookId];
  storage.setItem(AI_STORAGE_KEYS.alwaysAllow, JSON.stringify(map));
}
