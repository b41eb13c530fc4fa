/**
 * The metadata fields whose shape nbformat 4.5 fixes. Everything else in metadata is free-form and passes through
 * untouched; a known field with the wrong shape is dropped (and named), because one such field makes the whole
 * file fail validation in Jupyter.
 */
import { isObject, type JsonObject } from './json';

export interface Cleaned {
  metadata: JsonObject;
  /** Names of the fields dropped, e.g. `tags`. */
  dropped: string[];
}

function isTags(v: unknown): boolean {
  return (
    Array.isArray(v) &&
    v.every((t) => typeof t === 'string' && t !== '' && !t.includes(',')) &&
    new Set(v).size === v.length
  );
}

const isName = (v: unknown): boolean => typeof v === 'string' && v !== '' && !/[\n\r\u2028\u2029]/.test(v);

function validJupyter(v: unknown): boolean {
  return (
    isObject(v) &&
    (v['source_hidden'] === undefined || typeof v['source_hidden'] === 'boolean') &&
    (v['outputs_hidden'] === undefined || typeof v['outputs_hidden'] === 'boolean')
  );
}

type Check = (v: unknown) => boolean;

const COMMON: Record<string, Check> = { name: isName, tags: isTags, jupyter: validJupyter };
const BY_TYPE: Record<'code' | 'markdown' | 'raw', Record<string, Check>> = {
  code: {
    ...COMMON,
    collapsed: (v) => typeof v === 'boolean',
    scrolled: (v) => v === true || v === false || v === 'auto',
    execution: (v) => isObject(v) && Object.values(v).every((x) => typeof x === 'string'),
  },
  markdown: COMMON,
  raw: { ...COMMON, format: (v) => typeof v === 'string' },
};

/** Cell metadata with the fields nbformat 4.5 constrains for this nbformat cell type checked. */
export function cleanCellMetadata(metadata: JsonObject, nbType: 'code' | 'markdown' | 'raw'): Cleaned {
  const checks = BY_TYPE[nbType];
  const dropped = Object.keys(metadata).filter((k) => Object.hasOwn(checks, k) && !checks[k]!(metadata[k]));
  if (!dropped.length) return { metadata, dropped };
  return { metadata: Object.fromEntries(Object.entries(metadata).filter(([k]) => !dropped.includes(k))), dropped };
}

const NOTEBOOK: Record<string, Check> = {
  kernelspec: (v) => isObject(v) && typeof v['name'] === 'string' && typeof v['display_name'] === 'string',
  language_info: (v) =>
    isObject(v) &&
    typeof v['name'] === 'string' &&
    ['file_extension', 'mimetype', 'pygments_lexer'].every((k) => v[k] === undefined || typeof v[k] === 'string') &&
    (v['codemirror_mode'] === undefined ||
      typeof v['codemirror_mode'] === 'string' ||
      isObject(v['codemirror_mode'])),
  orig_nbformat: (v) => Number.isInteger(v) && (v as number) >= 1,
  title: (v) => typeof v === 'string',
  authors: (v) => Array.isArray(v),
};

/** Notebook metadata with the fields nbformat 4.5 constrains checked. */
export function cleanNotebookMetadata(metadata: JsonObject): Cleaned {
  const dropped = Object.keys(metadata).filter((k) => Object.hasOwn(NOTEBOOK, k) && !NOTEBOOK[k]!(metadata[k]));
  if (!dropped.length) return { metadata, dropped };
  return { metadata: Object.fromEntries(Object.entries(metadata).filter(([k]) => !dropped.includes(k))), dropped };
}

/** What JupyterLab writes for a new Python notebook, so the file opens with its default Python kernel. */
const DEFAULT_KERNELSPEC = { display_name: 'Python 3 (ipykernel)', language: 'python', name: 'python3' };
const DEFAULT_LANGUAGE_INFO = {
  codemirror_mode: { name: 'ipython', version: 3 },
  file_extension: '.py',
  mimetype: 'text/x-python',
  name: 'python',
  nbconvert_exporter: 'python',
  pygments_lexer: 'ipython3',
};

/**
 * Notebook metadata with a Python kernelspec and language_info when it has none: an Anode notebook is a Python
 * notebook, and Jupyter picks the kernel from these. A file's own values are kept.
 */
export function withPythonDefaults(metadata: JsonObject): JsonObject {
  return {
    ...metadata,
    kernelspec: metadata['kernelspec'] ?? DEFAULT_KERNELSPEC,
    language_info: metadata['language_info'] ?? DEFAULT_LANGUAGE_INFO,
  };
}
