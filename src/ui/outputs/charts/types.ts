/** A drawn chart, as the lazily loaded renderers hand it back to the view. */
export interface ChartHandle {
  /** Redraws at the container's current size. */
  resize(): void;
  /** Stops timers and listeners the library added. */
  dispose(): void;
}
