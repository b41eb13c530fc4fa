/**
 * Outputs: appended as plain JSON values (never growing Y.Text: see jupyter_ydoc #293), stream chunks merged
 * into the previous chunk of the same stream, carriage returns applied, and every output capped with a visible
 * marker so a runaway print loop cannot bloat the document.
 */
import * as Y from 'yjs';
import { cellsMap } from './doc';
import { cellOutputs, getCell } from './cells';
import type { Origin } from './origin';
import type { Output, StreamOutput } from './schema';

/** A stream keeps at most this many lines; older lines are replaced by a marker counting them. */
export const MAX_STREAM_LINES = 5000;
/** ...and at most this many characters. */
export const MAX_STREAM_CHARS = 500_000;
/** A rich output whose JSON is larger than this is replaced by a notice. */
export const MAX_OUTPUT_BYTES = 5_000_000;

const MARKER = /^\[output truncated, (\d+) lines hidden\]\n/;

function marker(hidden: number): string {
  return `[output truncated, ${hidden} lines hidden]\n`;
}

/** Applies `\r` the way a terminal shows it: text after a bare carriage return overwrites its line. */
export function applyCarriageReturns(text: string): string {
  if (!text.includes('\r')) return text;
  const lines = text.replace(/\r+\n/g, '\n').split('\n');
  return lines
    .map((line, i) => {
      if (!line.includes('\r')) return line;
      const segments = line.split('\r');
      // A trailing \r on the still-open last line is kept, so the next chunk overwrites that line.
      const pending = i === lines.length - 1 && line.endsWith('\r');
      let shown = '';
      for (const seg of segments) shown = seg + shown.slice(seg.length);
      return pending ? shown + '\r' : shown;
    })
    .join('\n');
}

/** Caps a stream's text to the newest lines, counting what it drops in a marker at the top. */
export function capStreamText(text: string): string {
  let hidden = 0;
  let body = text;
  const m = MARKER.exec(body);
  if (m) {
    hidden = Number(m[1]);
    body = body.slice(m[0].length);
  }
  if (body.length <= MAX_STREAM_CHARS) {
    let count = 0;
    for (let i = body.indexOf('\n'); i !== -1 && count <= MAX_STREAM_LINES; i = body.indexOf('\n', i + 1)) count++;
    if (count <= MAX_STREAM_LINES) return hidden ? marker(hidden) + body : body;
  }
  const lines = body.split('\n');
  let keep = lines.slice(-MAX_STREAM_LINES);
  let joined = keep.join('\n');
  while (joined.length > MAX_STREAM_CHARS && keep.length > 1) {
    keep = keep.slice(Math.ceil(keep.length / 4));
    joined = keep.join('\n');
  }
  if (joined.length > MAX_STREAM_CHARS) joined = joined.slice(-MAX_STREAM_CHARS);
  hidden += lines.length - keep.length;
  return marker(hidden) + joined;
}

function capRich(output: Output): Output {
  if (output.output_type === 'stream') return { ...output, text: capStreamText(applyCarriageReturns(output.text)) };
  return capLargeOutput(output);
}

/** A rich output (display, result, error) over MAX_OUTPUT_BYTES replaced by a notice; others as they are. */
export function capLargeOutput<T extends Output>(output: T): T {
  const size = JSON.stringify(output).length;
  if (size <= MAX_OUTPUT_BYTES) return output;
  const mb = (size / 1e6).toFixed(1);
  const notice = `[output truncated: ${mb} MB is too large to keep in the notebook]`;
  if (output.output_type === 'error') return { ...output, traceback: [notice] };
  if (output.output_type === 'stream') return { ...output, text: notice };
  return { ...output, data: { 'text/plain': notice }, metadata: {} };
}

function outputsOf(doc: Y.Doc, cellId: string): Y.Array<unknown> | null {
  const cell = getCell(doc, cellId);
  return cell ? cellOutputs(cell) : null;
}

/** Appends outputs to a cell, merging consecutive chunks of one stream. */
export function appendOutputs(doc: Y.Doc, cellId: string, outputs: Output[], origin: Origin): void {
  if (!outputs.length) return;
  doc.transact(() => {
    const arr = outputsOf(doc, cellId);
    if (!arr) return;
    for (const out of outputs) {
      const last = arr.length ? (arr.get(arr.length - 1) as Output | undefined) : undefined;
      if (out.output_type === 'stream' && last?.output_type === 'stream' && last.name === out.name) {
        const merged: StreamOutput = { ...last, text: capStreamText(applyCarriageReturns(last.text + out.text)) };
        arr.delete(arr.length - 1, 1);
        arr.push([merged]);
      } else {
        arr.push([capRich(out)]);
      }
    }
  }, origin);
}

/** How many outputs a cell has (0 for a missing cell). */
export function outputCount(doc: Y.Doc, cellId: string): number {
  return outputsOf(doc, cellId)?.length ?? 0;
}

/** A cell's output at `index`, if there is one. */
export function outputAt(doc: Y.Doc, cellId: string, index: number): Output | undefined {
  const arr = outputsOf(doc, cellId);
  return arr && index >= 0 && index < arr.length ? (arr.get(index) as Output) : undefined;
}

/** Deletes `count` outputs from `index` (as many as there are). */
export function deleteOutputs(doc: Y.Doc, cellId: string, index: number, count: number, origin: Origin): void {
  if (count <= 0) return;
  doc.transact(() => {
    const arr = outputsOf(doc, cellId);
    if (arr && index < arr.length) arr.delete(index, Math.min(count, arr.length - index));
  }, origin);
}

/** Replaces the output at `index`, if there is one. */
export function replaceOutput(doc: Y.Doc, cellId: string, index: number, output: Output, origin: Origin): void {
  doc.transact(() => {
    const arr = outputsOf(doc, cellId);
    if (!arr || index >= arr.length) return;
    arr.delete(index, 1);
    arr.insert(index, [capRich(output)]);
  }, origin);
}

export function clearOutputs(doc: Y.Doc, cellId: string, origin: Origin): void {
  doc.transact(() => {
    const cell = getCell(doc, cellId);
    const arr = cell ? cellOutputs(cell) : null;
    if (arr && arr.length) arr.delete(0, arr.length);
    if (cell && cell.get('executionCount') !== null) cell.set('executionCount', null);
  }, origin);
}

export function clearAllOutputs(doc: Y.Doc, origin: Origin): void {
  doc.transact(() => {
    cellsMap(doc).forEach((_cell, id) => clearOutputs(doc, id, origin));
  }, origin);
}

/** Replaces the data of every output carrying `displayId`, in any cell (IPython's update_display). */
export function updateDisplay(
  doc: Y.Doc,
  displayId: string,
  data: Record<string, unknown>,
  metadata: Record<string, unknown>,
  origin: Origin,
): void {
  doc.transact(() => {
    cellsMap(doc).forEach((cell) => {
      const arr = cell instanceof Y.Map ? cellOutputs(cell) : null;
      if (!arr) return;
      arr.toArray().forEach((raw, i) => {
        const out = raw as Output;
        if (out.output_type === 'display_data' && out.transient?.display_id === displayId) {
          arr.delete(i, 1);
          arr.insert(i, [capRich({ ...out, data, metadata })]);
        }
      });
    });
  }, origin);
}

export function setExecutionCount(doc: Y.Doc, cellId: string, count: number | null, origin: Origin): void {
  doc.transact(() => getCell(doc, cellId)?.set('executionCount', count), origin);
}
