/**
 * Cell ids in tool summaries ("Run cell k3x9…") as the user counts cells ("Run cell 2"). The model works with
 * ids; people work with positions. An id that is not in the notebook (deleted, or made up) is left as is.
 */
function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function withCellNumbers(text: string, order: readonly string[]): string {
  if (!text || !order.length) return text;
  const index = new Map(order.map((id, i) => [id, i + 1]));
  const ids = [...index.keys()].sort((a, b) => b.length - a.length).map(escape);
  const re = new RegExp(`(?:\\bcell )?\\b(${ids.join('|')})\\b`, 'g');
  return text.replace(re, (_m, id: string) => `cell ${index.get(id)}`);
}
