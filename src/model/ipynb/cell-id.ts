/** nbformat 4.5 cell ids: what the schema accepts, checked the same way on the way in and out. */

const CELL_ID = /^[a-zA-Z0-9_-]{1,64}$/;

/** Whether `id` is a valid nbformat 4.5 cell id (`^[a-zA-Z0-9-_]+$`, 1–64 characters). */
export function isNbformatCellId(id: unknown): boolean {
  return typeof id === 'string' && CELL_ID.test(id);
}
