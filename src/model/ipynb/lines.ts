/**
 * nbformat's "multiline strings": on disk a text may be one string or a list of lines; in the document it is
 * always one string.
 */

/** Concatenates a line list (as Jupyter writes it, each line keeping its newline); a string passes through. */
export function joinLines(value: string | readonly string[]): string {
  return typeof value === 'string' ? value : value.join('');
}

/** Python's `str.splitlines` line breaks: what Jupyter splits on when it writes a file. */
const LINE = /[^\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]*(?:\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029])|[^\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]+$/gy;

/**
 * Splits text into lines that keep their line breaks, exactly as Python's `text.splitlines(True)` (which
 * nbformat uses), so files written here diff cleanly against files written by Jupyter. `joinLines` undoes it.
 */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  LINE.lastIndex = 0;
  const lines: string[] = [];
  for (let m = LINE.exec(text); m !== null && m[0] !== ''; m = LINE.exec(text)) lines.push(m[0]);
  return lines;
}

/** Whether a value is a string or a list of strings (nbformat's `multiline_string`). */
export function isMultiline(value: unknown): value is string | string[] {
  return typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'));
}
