/**
 * The Python kernel: a Pyodide worker client ({@link createKernel}) and the executor loop that drives it from a
 * notebook's run queue ({@link startExecutor}).
 */
export { createKernel, type KernelOptions } from './client';
export { SwitchableKernel, type KernelWhere } from './switchable';
export { JupyterKernel, type JupyterKernelOptions, type JupyterWhere } from './jupyter/kernel';
export { listKernelSpecs, parseServerInput, JupyterConnectError, type JupyterServer, type KernelSpecInfo } from './jupyter/rest';
export { diagnose, type ConnectFailure, type Diagnosis } from './jupyter/doctor';
export {
  startExecutor,
  runCode,
  type CellHandler,
  type ExecutorOptions,
  type RunContext,
  type RunOutcome,
} from './executor';
export { KernelFolderSync, type FileBlobs } from './folder-sync';
export { followKernelControl } from './control';
export { reviveDeadKernel, REVIVE_AFTER_MS, type ReviveOptions } from './revive';
export { OutputWriter, STREAM_FLUSH_MS } from './outputWriter';
export { KernelLostError, type Kernel, type KernelFiles, type KernelSql, type KernelState, type KernelStatusInfo, type RunHandlers } from './types';
export type {
  CompletionResult,
  FileChanges,
  FileWrite,
  InspectCell,
  InspectChild,
  InspectColumnType,
  InspectRequest,
  InspectResult,
  KernelEvent,
  MimeData,
  RunResult,
  RunStatus,
  SqlColumnIn,
  SqlColumnOut,
  SqlTableInfo,
  VariableInfo,
  VariablesResult,
} from './protocol';
export { FILES_ROOT } from './protocol';

export * from './variables';
export * from './inspect';

/** The package base URL to use when the user has not set one (build-time constant). */
export const DEFAULT_PACKAGE_BASE_URL: string = __DEFAULT_PACKAGE_BASE__;

/** Where this build serves Pyodide's core, relative to the page. */
export function defaultIndexURL(base: string = document.baseURI): string {
  return new URL('pyodide/', base).href;
}
