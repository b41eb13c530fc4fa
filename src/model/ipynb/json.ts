/** Small guards over parsed JSON, shared by the reader and the writers. */
import { NUMBER_KEY, isNumberToken } from './exact-json';

/** A JSON object (not null, not an array, not a number kept as written). */
export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isNumberToken(value);
}

/** A number kept as written (see ./exact-json.ts) as its value, for the fields whose value the reader checks. */
export function asNumber(value: unknown): unknown {
  return isNumberToken(value) ? Number(value[NUMBER_KEY]) : value;
}

/**
 * Values nested deeper than this are refused: storing and re-encoding them recurses, and no real notebook
 * comes close (Plotly figures nest about 10 levels).
 */
export const MAX_JSON_DEPTH = 200;

/** Whether `value` nests no deeper than `limit` (stops early instead of walking a hostile structure fully). */
export function withinDepth(value: unknown, limit = MAX_JSON_DEPTH): boolean {
  // Iterative, so a hostile file cannot overflow the stack of the check meant to protect against that.
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d >= limit) return false;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push([child, d + 1]);
    }
  }
  return true;
}

/** A copy with object keys sorted at every level: Jupyter writes `json.dumps(nb, sort_keys=True, indent=1)`. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  // Object.fromEntries defines own properties, so a "__proto__" key stays data instead of changing the prototype.
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeys(value[k])]),
  );
}

/** A JSON value as a short, quoted description for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (isNumberToken(value)) return value[NUMBER_KEY];
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  return String(value);
}
