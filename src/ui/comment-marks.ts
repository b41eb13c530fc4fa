/**
 * Commented ranges underlined in a cell's editor. The cell sets the ranges of its open threads; between two
 * settings the marks follow the text through every edit (mapped through each change, local or from a peer).
 */
import { StateEffect, StateField, type Extension } from '@codemirror/state';
import { Decoration, EditorView, type DecorationSet } from '@codemirror/view';

const setRanges = StateEffect.define<ReadonlyArray<{ from: number; to: number }>>();
const mark = Decoration.mark({ class: 'cm-comment-range', attributes: { title: 'Commented' } });

const field = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(marks, tr) {
    let next = marks.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setRanges)) continue;
      const len = tr.state.doc.length;
      const ranges = e.value.filter((r) => r.from < r.to && r.to <= len).map((r) => mark.range(r.from, r.to));
      next = Decoration.set(ranges, true);
    }
    return next;
  },
  provide: (f) => EditorView.decorations.from(f),
});

export const commentMarks: Extension = [
  field,
  EditorView.baseTheme({ '.cm-comment-range': { backgroundColor: '#fef3c7', borderBottom: '2px solid #f59e0b' } }),
];

/** Shows `ranges` as the commented parts of the editor's text. */
export function setCommentRanges(view: EditorView, ranges: ReadonlyArray<{ from: number; to: number }>): void {
  view.dispatch({ effects: setRanges.of(ranges) });
}
