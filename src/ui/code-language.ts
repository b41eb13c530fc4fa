/**
 * The code editor's language, following the kernel that runs the notebook: Python for the browser kernel and
 * Python kernelspecs, the kernel's own language for others (R, Julia, …). A Jupyter kernel names its language in
 * kernel_info's `language_info` (`codemirror_mode`, else `name`), which the executor records in the document, so
 * every peer's editors agree. Languages other than Python load on first use: no cost for Python notebooks.
 */
import { StreamLanguage, type StreamParser } from '@codemirror/language';
import type { Extension } from '@codemirror/state';
import { python } from '@codemirror/lang-python';

type Loader = () => Promise<StreamParser<unknown>>;

/** Lower-cased Jupyter language names and CodeMirror mode names → a legacy-mode parser. */
const LEGACY: Record<string, Loader> = {
  r: () => import('@codemirror/legacy-modes/mode/r').then((m) => m.r),
  julia: () => import('@codemirror/legacy-modes/mode/julia').then((m) => m.julia),
  bash: () => import('@codemirror/legacy-modes/mode/shell').then((m) => m.shell),
  sh: () => import('@codemirror/legacy-modes/mode/shell').then((m) => m.shell),
  shell: () => import('@codemirror/legacy-modes/mode/shell').then((m) => m.shell),
  octave: () => import('@codemirror/legacy-modes/mode/octave').then((m) => m.octave),
  matlab: () => import('@codemirror/legacy-modes/mode/octave').then((m) => m.octave),
  ruby: () => import('@codemirror/legacy-modes/mode/ruby').then((m) => m.ruby),
  lua: () => import('@codemirror/legacy-modes/mode/lua').then((m) => m.lua),
  perl: () => import('@codemirror/legacy-modes/mode/perl').then((m) => m.perl),
  haskell: () => import('@codemirror/legacy-modes/mode/haskell').then((m) => m.haskell),
  scala: () => import('@codemirror/legacy-modes/mode/clike').then((m) => m.scala),
  java: () => import('@codemirror/legacy-modes/mode/clike').then((m) => m.java),
  'text/x-java': () => import('@codemirror/legacy-modes/mode/clike').then((m) => m.java),
  c: () => import('@codemirror/legacy-modes/mode/clike').then((m) => m.c),
  'c++': () => import('@codemirror/legacy-modes/mode/clike').then((m) => m.cpp),
  cpp: () => import('@codemirror/legacy-modes/mode/clike').then((m) => m.cpp),
  'text/x-c++src': () => import('@codemirror/legacy-modes/mode/clike').then((m) => m.cpp),
  go: () => import('@codemirror/legacy-modes/mode/go').then((m) => m.go),
  rust: () => import('@codemirror/legacy-modes/mode/rust').then((m) => m.rust),
  javascript: () => import('@codemirror/legacy-modes/mode/javascript').then((m) => m.javascript),
  typescript: () => import('@codemirror/legacy-modes/mode/javascript').then((m) => m.typescript),
  sql: () => import('@codemirror/legacy-modes/mode/sql').then((m) => m.standardSQL),
  scheme: () => import('@codemirror/legacy-modes/mode/scheme').then((m) => m.scheme),
  clojure: () => import('@codemirror/legacy-modes/mode/clojure').then((m) => m.clojure),
  'common lisp': () => import('@codemirror/legacy-modes/mode/commonlisp').then((m) => m.commonLisp),
  fortran: () => import('@codemirror/legacy-modes/mode/fortran').then((m) => m.fortran),
  powershell: () => import('@codemirror/legacy-modes/mode/powershell').then((m) => m.powerShell),
  swift: () => import('@codemirror/legacy-modes/mode/swift').then((m) => m.swift),
  kotlin: () => import('@codemirror/legacy-modes/mode/clike').then((m) => m.kotlin),
  'c#': () => import('@codemirror/legacy-modes/mode/clike').then((m) => m.csharp),
  csharp: () => import('@codemirror/legacy-modes/mode/clike').then((m) => m.csharp),
  'f#': () => import('@codemirror/legacy-modes/mode/mllike').then((m) => m.fSharp),
  ocaml: () => import('@codemirror/legacy-modes/mode/mllike').then((m) => m.oCaml),
  erlang: () => import('@codemirror/legacy-modes/mode/erlang').then((m) => m.erlang),
  tcl: () => import('@codemirror/legacy-modes/mode/tcl').then((m) => m.tcl),
  sas: () => import('@codemirror/legacy-modes/mode/sas').then((m) => m.sas),
  mathematica: () => import('@codemirror/legacy-modes/mode/mathematica').then((m) => m.mathematica),
  'wolfram language': () => import('@codemirror/legacy-modes/mode/mathematica').then((m) => m.mathematica),
};

/**
 * The editor extension for a code cell: Python at once, another language once its mode has loaded (plain text
 * until then, and for languages CodeMirror has no mode for).
 */
export function codeLanguage(lang: string): { now: Extension; later: Promise<Extension> | null } {
  if (lang === 'python') return { now: python(), later: null };
  const load = LEGACY[lang];
  if (!load) return { now: [], later: null };
  return { now: [], later: load().then((parser) => StreamLanguage.define(parser)) };
}
