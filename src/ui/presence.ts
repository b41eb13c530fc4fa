/** Signals over this notebook's presence: who is here, and the executor role. */
import { createSignal, onCleanup, type Accessor } from 'solid-js';
import type { ExecutorRole, PeerPresence } from '../sync';
import type { NotebookSession } from './session';

export interface PeerView extends PeerPresence {
  client: number;
  me: boolean;
}

export function usePeers(session: NotebookSession): Accessor<PeerView[]> {
  const read = (): PeerView[] =>
    [...session.presence.peers()].map(([client, p]) => ({ ...p, client, me: client === session.presence.clientId }));
  const [peers, setPeers] = createSignal(read());
  onCleanup(session.presence.onChange(() => setPeers(read())));
  return peers;
}

export function useRole(session: NotebookSession): Accessor<ExecutorRole> {
  const [role, setRole] = createSignal(session.election.role());
  onCleanup(session.onRoleChange(setRole));
  return role;
}
