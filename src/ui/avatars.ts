/**
 * Which avatars the collaboration bar draws: everyone up to {@link MAX_AVATARS}; past that, the first ones and a
 * "+N" that opens the full list, so a room of 40 stays one readable line. Pure (unit-tested without a DOM).
 */

/** The most avatars drawn side by side. */
export const MAX_AVATARS = 5;

export interface Collapsed<T> {
  shown: T[];
  /** Everyone not drawn, in order ("+N" where N is its length). */
  hidden: T[];
}

/** `peers` with this user first (the rest keep their order), split into drawn avatars and the "+N" rest. */
export function collapseAvatars<T extends { me: boolean }>(peers: readonly T[], max = MAX_AVATARS): Collapsed<T> {
  const ordered = [...peers.filter((p) => p.me), ...peers.filter((p) => !p.me)];
  if (ordered.length <= max) return { shown: ordered, hidden: [] };
  // One place goes to the "+N" itself.
  return { shown: ordered.slice(0, max - 1), hidden: ordered.slice(max - 1) };
}
