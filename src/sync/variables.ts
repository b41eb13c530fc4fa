/**
 * The executor's variables in its presence: ephemeral like the kernel they describe (a new kernel has none, a
 * peer who leaves takes them along), so awareness rather than the document, which would keep every version of
 * them forever. Every peer reads the executor's entry. What arrives from a peer is validated and bounded here.
 */
import type { VariableInfo } from '../kernel/protocol';

/** One variable as published: the kernel's VariableInfo, as read from a peer (checked by readRow). */
export type VariableRow = VariableInfo;

export interface PublishedVariables {
  /** The kernel session they belong to: a different session's list is stale. */
  sessionId: string;
  /** When they were read (the executor's clock). */
  at: number;
  variables: VariableRow[];
  total: number;
}

const MAX_ROWS = 500;
const KINDS = ['data', 'function', 'class'] as const;

const str = (v: unknown, max: number): string | null => (typeof v === 'string' ? v.slice(0, max) : null);

function readRow(v: unknown): VariableRow | null {
  if (typeof v !== 'object' || v === null) return null;
  const r = v as Record<string, unknown>;
  const name = str(r.name, 200);
  const type = str(r.type, 100);
  if (!name || !type) return null;
  return {
    name,
    type,
    kind: KINDS.find((k) => k === r.kind) ?? 'data',
    shape: str(r.shape, 60),
    size: typeof r.size === 'number' && Number.isFinite(r.size) && r.size >= 0 ? r.size : null,
    preview: str(r.preview, 200) ?? '',
  };
}

/** A peer's `variables` field, or null when absent or not one. Never throws. */
export function readPublishedVariables(v: unknown): PublishedVariables | null {
  if (typeof v !== 'object' || v === null) return null;
  const p = v as Record<string, unknown>;
  if (typeof p.sessionId !== 'string' || !Array.isArray(p.variables)) return null;
  const variables = p.variables.slice(0, MAX_ROWS).flatMap((r) => readRow(r) ?? []);
  return {
    sessionId: p.sessionId,
    at: typeof p.at === 'number' ? p.at : 0,
    variables,
    total: typeof p.total === 'number' && p.total >= variables.length ? p.total : variables.length,
  };
}
