/** Presence with many peers: avatars collapse into "+N"; the list behind it names everyone (real awareness states). */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { readPeers } from '../../src/sync/awareness';
import { MAX_AVATARS, collapseAvatars } from '../../src/ui/avatars';

function room(n: number): Awareness {
  const mine = new Awareness(new Y.Doc());
  mine.setLocalState({ v: 1, user: { name: 'Me', color: '#112233' }, joinedAt: 1, kernel: 'ready', offersExecution: true });
  for (let i = 0; i < n; i++) {
    const peer = new Awareness(new Y.Doc());
    peer.setLocalState({ v: 1, user: { name: `Student ${i}`, color: '#445566' }, joinedAt: 2 + i, kernel: 'none', offersExecution: false });
    applyAwarenessUpdate(mine, encodeAwarenessUpdate(peer, [peer.clientID]), 'remote');
  }
  return mine;
}

const views = (a: Awareness) => [...readPeers(a.getStates())].map(([client, p]) => ({ ...p, client, me: client === a.clientID }));

describe('avatars', () => {
  it('a small room shows everyone, no "+N"', () => {
    const c = collapseAvatars(views(room(3)));
    expect(c.shown.map((p) => p.user.name)[0]).toBe('Me');
    expect(c.shown).toHaveLength(4);
    expect(c.hidden).toHaveLength(0);
  });

  it('a lecture of 40 shows a few avatars (me first) and "+N" for everyone else', () => {
    const c = collapseAvatars(views(room(39)));
    expect(c.shown).toHaveLength(MAX_AVATARS - 1);
    expect(c.shown[0]!.me).toBe(true);
    expect(c.hidden).toHaveLength(40 - (MAX_AVATARS - 1));
    const everyone = [...c.shown, ...c.hidden].map((p) => p.user.name);
    expect(new Set(everyone).size).toBe(40);
  });
});
