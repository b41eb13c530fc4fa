/**
 * The awareness the cell editors' remote carets read. y-codemirror.next draws another peer's caret and selection
 * from its raw awareness state, putting `user.color` and `user.colorLight` into style attributes and `user.name`
 * into the caret's label: a tampered peer's colour like `red;position:fixed;inset:0;background:url(…)` would cover
 * the page and fetch a URL. This view hands the editors every remote state with its user rebuilt from validated
 * fields only (a strict `#rrggbb` colour, a cleaned name; the light colour derived, never taken), and the rest of
 * the awareness (this tab's own state, events, cursor writes) unchanged.
 */
import type { Awareness } from 'y-protocols/awareness';
import { lightColor } from './awareness';
import { cleanColor, cleanName } from './settings';

/** The caret's fallback for a peer whose colour or name is not valid (y-codemirror's own default colour). */
const FALLBACK = { name: 'Anonymous', color: '#30bced' };

/** A remote state with only a valid user in it; the cursor and everything else pass through for the editor to read. */
export function safeRemoteState(state: unknown): Record<string, unknown> | null {
  if (typeof state !== 'object' || state === null) return null;
  const s = state as Record<string, unknown>;
  const user = (typeof s.user === 'object' && s.user !== null ? s.user : {}) as Record<string, unknown>;
  const name = cleanName(user.name) ?? FALLBACK.name;
  const color = cleanColor(user.color) ?? FALLBACK.color;
  return { ...s, user: { name, color, colorLight: lightColor(color) } };
}

/** `awareness` whose getStates() gives remote states through {@link safeRemoteState}. */
export function caretAwareness(awareness: Awareness): Awareness {
  const getStates = (): Map<number, Record<string, unknown>> => {
    const out = new Map<number, Record<string, unknown>>();
    awareness.getStates().forEach((state, client) => {
      const safe = client === awareness.clientID ? (state as Record<string, unknown>) : safeRemoteState(state);
      if (safe) out.set(client, safe);
    });
    return out;
  };
  return new Proxy(awareness, {
    get(target, prop) {
      if (prop === 'getStates') return getStates;
      const value: unknown = Reflect.get(target, prop, target);
      // Awareness methods use private fields through `this`: they must run on the real object.
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
