/**
 * Reading one nbformat v4 output (and MIME bundles, which attachments share). Text given as line lists is
 * joined; JSON MIME types keep their value as is; `transient` and fields nbformat does not define are dropped.
 */
import type { MimeBundle, Output } from '../schema';
import { invalid } from './invalid';
import { asNumber, describe, isObject, withinDepth } from './json';
import { isMultiline, joinLines } from './lines';

/** nbformat: `application/json` and `application/*+json` hold any JSON value; every other type holds text. */
export function isJsonMime(mime: string): boolean {
  return /^application\/(.*\+)?json$/.test(mime);
}

/** A MIME bundle (`data` of an output, or one attachment); `where` prefixes error messages. */
export function parseBundle(raw: unknown, where: string): MimeBundle {
  if (!isObject(raw)) invalid(`${where} must be an object of MIME type to data, not ${describe(raw)}`);
  return Object.fromEntries(
    Object.entries(raw).map(([mime, value]) => {
      if (isJsonMime(mime)) {
        if (!withinDepth(value)) invalid(`${where}["${mime}"] is nested too deeply`);
        return [mime, value];
      }
      if (!isMultiline(value)) invalid(`${where}["${mime}"] must be a string or list of strings, not ${describe(value)}`);
      return [mime, joinLines(value)];
    }),
  );
}

function optionalMetadata(raw: unknown, where: string): Record<string, unknown> {
  if (raw === undefined) return {};
  if (!isObject(raw)) invalid(`${where}: metadata must be an object, not ${describe(raw)}`);
  if (!withinDepth(raw)) invalid(`${where}: metadata is nested too deeply`);
  return raw;
}

/** An execution count: a whole number ≥ 0, or null (never run). Missing counts as null. */
export function parseCount(written: unknown, where: string): number | null {
  const raw = asNumber(written);
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0) {
    invalid(`${where}: execution_count must be a whole number or null, not ${describe(raw)}`);
  }
  return raw;
}

function requireString(o: Record<string, unknown>, field: string, where: string): string {
  const v = o[field];
  if (v === undefined) invalid(`${where}: missing ${field}`);
  if (typeof v !== 'string') invalid(`${where}: ${field} must be a string, not ${describe(v)}`);
  return v;
}

/**
 * One output, or null for an output type from a future nbformat (dropped with a warning, as nbformat allows).
 * Required fields must be present and well typed; `metadata` and `execution_count` may be missing ({} and null).
 */
export function parseOutput(raw: unknown, where: string, warnings: string[]): Output | null {
  if (!isObject(raw)) invalid(`${where} must be an object, not ${describe(raw)}`);
  const type = raw['output_type'];
  if (type === undefined) invalid(`${where}: missing output_type`);
  switch (type) {
    case 'stream': {
      const name = requireString(raw, 'name', where);
      const text = raw['text'];
      if (text === undefined) invalid(`${where}: missing text`);
      if (!isMultiline(text)) invalid(`${where}: text must be a string or list of strings, not ${describe(text)}`);
      return { output_type: 'stream', name, text: joinLines(text) };
    }
    case 'display_data':
      if (raw['data'] === undefined) invalid(`${where}: missing data`);
      return {
        output_type: 'display_data',
        data: parseBundle(raw['data'], `${where}: data`),
        metadata: optionalMetadata(raw['metadata'], where),
      };
    case 'execute_result':
      if (raw['data'] === undefined) invalid(`${where}: missing data`);
      return {
        output_type: 'execute_result',
        execution_count: parseCount(raw['execution_count'], where),
        data: parseBundle(raw['data'], `${where}: data`),
        metadata: optionalMetadata(raw['metadata'], where),
      };
    case 'error': {
      const traceback = raw['traceback'];
      if (traceback === undefined) invalid(`${where}: missing traceback`);
      if (!Array.isArray(traceback) || !traceback.every((l) => typeof l === 'string')) {
        invalid(`${where}: traceback must be a list of strings, not ${describe(traceback)}`);
      }
      return {
        output_type: 'error',
        ename: requireString(raw, 'ename', where),
        evalue: requireString(raw, 'evalue', where),
        traceback,
      };
    }
    default:
      if (typeof type !== 'string') invalid(`${where}: output_type must be a string, not ${describe(type)}`);
      warnings.push(`${where}: unknown output type "${type}" was left out`);
      return null;
  }
}
