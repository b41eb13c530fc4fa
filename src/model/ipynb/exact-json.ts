/**
 * JSON that keeps its numbers as written. Python writes `1.0` for a float and integers of any size; JavaScript
 * reads both as a double and writes them back as `1` or a rounded integer, which changes what a notebook says (and
 * what the kernel that reads it gets back: an int instead of a float). So a number literal that would not come back
 * the same from `JSON.stringify(JSON.parse(literal))` is read as a number token, a plain object
 * `{ "$ipynbNumber": "1.0" }` that a Y.Doc stores, syncs and persists like any other value, and written back
 * verbatim. Every other number stays a number. Views that need the value call `plainJson`.
 *
 * A real object whose only key is the token key is wrapped once more (`{ key: { key: ... } }`) so that it cannot
 * be mistaken for a token; `stringifyJson` unwraps it.
 */

/** The key of a number token. */
export const NUMBER_KEY = '$ipynbNumber';

/** A number literal JavaScript would rewrite, kept as its text. */
export type NumberToken = { readonly [NUMBER_KEY]: string };

function soleKey(value: object): boolean {
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === NUMBER_KEY;
}

export function isNumberToken(value: unknown): value is NumberToken {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    soleKey(value) &&
    typeof (value as Record<string, unknown>)[NUMBER_KEY] === 'string'
  );
}

/** A number, or a token for a literal that `JSON.stringify` would not give back as written. */
function numberValue(literal: string): number | NumberToken {
  const n = Number(literal);
  return JSON.stringify(n) === literal ? n : { [NUMBER_KEY]: literal };
}

/** Thrown for text that is not JSON; the caller asks `JSON.parse` for the engine's own wording. */
export class NotJson extends Error {}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WS = /[ \t\n\r]*/y;
/** Characters a JSON string holds as they are: not a quote, a backslash or a control character. */
const PLAIN = /[^"\\\u0000-\u001f]*/y;

type Frame = { kind: 'array'; value: unknown[] } | { kind: 'object'; value: Record<string, unknown>; key: string | null };

/**
 * Parses JSON text (strict RFC 8259, as `JSON.parse`) keeping number literals JavaScript would change as tokens.
 * Iterative, so nesting depth is bounded by memory rather than the call stack. Keys named `__proto__` are left out
 * and reported through `onProtoKey` (assigning one would replace the object's prototype).
 */
export function parseJson(text: string, onProtoKey: () => void = () => {}): unknown {
  let i = 0;
  const skip = (): void => {
    WS.lastIndex = i;
    WS.exec(text);
    i = WS.lastIndex;
  };
  const string = (): string => {
    const start = i; // at the opening quote
    let j = i + 1;
    let escaped = false;
    for (;;) {
      PLAIN.lastIndex = j;
      PLAIN.exec(text); // a regular expression skips the long plain runs (base64 images) far faster than a loop
      j = PLAIN.lastIndex;
      const c = text.charCodeAt(j);
      if (c === 0x22) break;
      if (c !== 0x5c) throw new NotJson(Number.isNaN(c) ? 'unterminated string' : 'control character in string');
      escaped = true;
      j += 2;
    }
    i = j + 1;
    // Escapes are rare in notebooks; the engine decodes them exactly and rejects bad ones.
    return escaped ? (JSON.parse(text.slice(start, i)) as string) : text.slice(start + 1, j);
  };
  const scalar = (): unknown => {
    const c = text[i];
    if (c === '"') return string();
    if (text.startsWith('true', i)) return (i += 4), true;
    if (text.startsWith('false', i)) return (i += 5), false;
    if (text.startsWith('null', i)) return (i += 4), null;
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) throw new NotJson(`unexpected character at ${i}`);
    i = NUMBER.lastIndex;
    return numberValue(m[0]);
  };

  const stack: Frame[] = [];
  let result: unknown;
  let done = false;
  // Puts a finished value into the innermost open container, or makes it the result.
  const put = (value: unknown): void => {
    const top = stack[stack.length - 1];
    if (!top) {
      result = value;
      done = true;
    } else if (top.kind === 'array') top.value.push(value);
    else {
      const key = top.key!;
      top.key = null;
      if (key === '__proto__') onProtoKey();
      else top.value[key] = value;
    }
  };
  // After a value: a comma, or the end of the innermost container (which is then itself a finished value).
  const afterValue = (): void => {
    for (;;) {
      skip();
      const top = stack[stack.length - 1];
      if (!top) return;
      const c = text[i];
      if (c === ',') {
        i++;
        skip();
        if (top.kind === 'object') readKey(top);
        return;
      }
      if (c !== (top.kind === 'array' ? ']' : '}')) throw new NotJson(`expected , or a closing bracket at ${i}`);
      i++;
      stack.pop();
      put(top.kind === 'object' && soleKey(top.value) ? { [NUMBER_KEY]: top.value } : top.value);
    }
  };
  const readKey = (frame: Extract<Frame, { kind: 'object' }>): void => {
    if (text[i] !== '"') throw new NotJson(`expected a key at ${i}`);
    frame.key = string();
    skip();
    if (text[i] !== ':') throw new NotJson(`expected : at ${i}`);
    i++;
  };

  skip();
  while (!done) {
    skip();
    const c = text[i];
    if (c === '[') {
      i++;
      skip();
      if (text[i] === ']') {
        i++;
        put([]);
        afterValue();
      } else stack.push({ kind: 'array', value: [] });
    } else if (c === '{') {
      i++;
      skip();
      if (text[i] === '}') {
        i++;
        put({});
        afterValue();
      } else {
        const frame: Frame = { kind: 'object', value: {}, key: null };
        stack.push(frame);
        readKey(frame);
      }
    } else {
      put(scalar());
      afterValue();
    }
  }
  skip();
  if (i !== text.length) throw new NotJson(`unexpected text after the end at ${i}`);
  return result;
}

/**
 * `JSON.stringify(value, null, indent)`, except that number tokens are written as their literal and wrapped
 * objects unwrapped. Keys keep their order (the exporter sorts them first). `indent` 0 writes compact JSON.
 */
export function stringifyJson(value: unknown, indent = 1): string {
  const pad = ' '.repeat(indent);
  const nl = indent ? '\n' : '';
  const colon = indent ? ': ' : ':';
  const parts: string[] = [];
  // Recursion depth is bounded: documents only hold values the reader accepted (nested ≤ MAX_JSON_DEPTH).
  const write = (v: unknown, margin: string): void => {
    if (v === null || typeof v !== 'object') {
      parts.push(JSON.stringify(v) ?? 'null');
      return;
    }
    if (isNumberToken(v)) {
      parts.push(v[NUMBER_KEY]);
      return;
    }
    const inner = margin + pad;
    if (Array.isArray(v)) {
      if (!v.length) return void parts.push('[]');
      parts.push('[');
      v.forEach((item, k) => {
        parts.push(k ? ',' + nl : nl, inner);
        write(item === undefined || typeof item === 'function' ? null : item, inner);
      });
      parts.push(nl, margin, ']');
      return;
    }
    const obj = soleKey(v) ? ((v as Record<string, unknown>)[NUMBER_KEY] as object) : v;
    const entries = Object.entries(obj).filter(([, x]) => x !== undefined && typeof x !== 'function');
    if (!entries.length) return void parts.push('{}');
    parts.push('{');
    entries.forEach(([k, x], n) => {
      parts.push(n ? ',' + nl : nl, inner, JSON.stringify(k), colon);
      write(x, inner);
    });
    parts.push(nl, margin, '}');
  };
  write(value, '');
  return parts.join('');
}

/** The value with tokens turned into JavaScript numbers and wrapped objects unwrapped: what a renderer wants. */
export function plainJson(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (isNumberToken(value)) return Number(value[NUMBER_KEY]);
  if (Array.isArray(value)) return value.map(plainJson);
  const obj = soleKey(value) ? ((value as Record<string, unknown>)[NUMBER_KEY] as object) : value;
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, plainJson(v)]));
}
