/**
 * Whether a cell's outputs are collapsed, kept where Jupyter keeps it so it survives .ipynb round trips: nbformat's
 * `metadata.collapsed` (classic Notebook, and what JupyterLab writes too) or JupyterLab's
 * `metadata.jupyter.outputs_hidden` when reading.
 */
import type * as Y from 'yjs';
import { LOCAL, setCellMetadata } from '../../model';

/** The cell metadata key holding the collapsed state (nbformat 4 code cells: a boolean). */
export const COLLAPSED_KEY = 'collapsed';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Whether the outputs of a cell with this metadata are collapsed. */
export function outputsCollapsed(metadata: Record<string, unknown>): boolean {
  const jupyter = metadata['jupyter'];
  return metadata[COLLAPSED_KEY] === true || (isRecord(jupyter) && jupyter['outputs_hidden'] === true);
}

/** Collapses or expands a cell's outputs for everyone (it is part of the notebook, as in Jupyter). */
export function setOutputsCollapsed(doc: Y.Doc, id: string, metadata: Record<string, unknown>, collapsed: boolean): void {
  doc.transact(() => {
    setCellMetadata(doc, id, COLLAPSED_KEY, collapsed ? true : undefined, LOCAL);
    const jupyter = metadata['jupyter'];
    if (!collapsed && isRecord(jupyter) && 'outputs_hidden' in jupyter) {
      const rest = Object.fromEntries(Object.entries(jupyter).filter(([k]) => k !== 'outputs_hidden'));
      setCellMetadata(doc, id, 'jupyter', Object.keys(rest).length ? rest : undefined, LOCAL);
    }
  }, LOCAL);
}
