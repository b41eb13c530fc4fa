/**
 * The headless runtime agent: joins a room from a terminal and serves as its executor on a Jupyter kernel of this
 * machine. It is a peer like a browser tab, built from the same parts: the room (src/sync/room.ts), presence with
 * heartbeats and the signaling witness, the election and its failover rule (src/sync/handover.ts), and the executor
 * loop that claims runs and writes outputs (src/kernel/executor.ts) on the Jupyter kernel client
 * (src/kernel/jupyter). Nothing here decides who runs what: the agent only announces itself as a runtime
 * (`PeerPresence.runtime`), which the election prefers over browsers once its kernel is ready.
 *
 * It asks no consent before running peers' code: whoever started it did so to serve the room (the link's secret is
 * what lets anyone into the room at all). The document lives in memory only (no IndexedDB): the peers keep it.
 */
import * as Y from 'yjs';
import { readMeta } from '../model';
import { startExecutor } from '../kernel/executor';
import { followKernelControl } from '../kernel/control';
import { reviveDeadKernel } from '../kernel/revive';
import { VariablesWatcher } from '../kernel/variables';
import { JupyterKernel } from '../kernel/jupyter/kernel';
import { Presence } from '../sync/awareness';
import { startExecutorElection, type ExecutorElection } from '../sync/handover';
import { recordedExecutor } from '../sync/election';
import { Liveness } from '../sync/liveness';
import { SignalingWitness } from '../sync/witness';
import { openRoom, type NotebookRoom } from '../sync/room';
import type { SettingsStore } from '../sync/settings';
import type { AgentArgs } from './args';

export interface AgentOptions {
  args: AgentArgs;
  /** The Jupyter server to use (given, or started by the caller). */
  server: { url: string; token: string };
  /** The machine's name, as peers see it ("… on gpu-box"). */
  host: string;
  /** The name peers see in presence. */
  displayName: string;
  /** Progress lines for the terminal (never a token). */
  log: (line: string) => void;
}

export interface RunningAgent {
  room: NotebookRoom;
  election: ExecutorElection;
  /** Leaves the room as a closing tab does (peers take over at once) and shuts the kernel down. */
  leave(): Promise<void>;
}

/** Settings kept in memory: the agent has no browser storage, and remembers nothing between runs. */
function memoryStore(): SettingsStore {
  const items = new Map<string, string>();
  return {
    getItem: (k) => items.get(k) ?? null,
    setItem: (k, v) => void items.set(k, v),
    removeItem: (k) => void items.delete(k),
  };
}

/** Starts the kernel, joins the room and takes part in the election; resolves once the kernel is ready. */
export async function startAgent(opts: AgentOptions): Promise<RunningAgent> {
  const { args, log } = opts;
  const kernel = new JupyterKernel({ server: opts.server, kernelName: args.kernel, appOrigin: '', host: opts.host });
  const ready = await new Promise<boolean>((resolve) => {
    const check = (): void => {
      const s = kernel.getStatus().status;
      if (s === 'idle' || s === 'busy' || s === 'dead') {
        off();
        resolve(s !== 'dead');
      }
    };
    const off = kernel.onStatus(check);
    check();
  });
  if (!ready) {
    const reason = kernel.getStatus().reason ?? 'it died as it started';
    await kernel.shutdown();
    throw new Error(`The ${args.kernel} kernel could not start: ${reason}`);
  }
  log(`Kernel ${args.kernel} is ready.`);

  const doc = new Y.Doc();
  const presence = new Presence(doc, { store: memoryStore(), runtime: true });
  presence.setIdentity({ name: opts.displayName });
  const syncKernel = (): void => {
    const s = kernel.getStatus().status;
    presence.setKernel(s === 'dead' ? 'failed' : s === 'starting' ? 'starting' : 'ready');
  };
  syncKernel();
  const offKernel = kernel.onStatus(syncKernel);
  const offRevive = reviveDeadKernel(kernel);

  const room = await openRoom(doc, args.room, { awareness: presence.awareness, signaling: args.signaling });
  const witness = new SignalingWitness(room.provider, presence.clientId);
  const liveness = new Liveness(doc, presence, { executor: () => recordedExecutor(doc), witness });
  log(`Joined room ${args.room.room} as “${opts.displayName}” (signaling: ${args.signaling.join(', ')}).`);
  if (!readMeta(doc)) log('Waiting for a peer who has the notebook open…');

  /** The kernel ran nothing for the room yet: the first takeover needs no fresh interpreter, later ones do. */
  let fresh = true;
  const election = startExecutorElection({
    doc,
    presence,
    liveness,
    room: { status: () => room.status(), onStatus: (fn: () => void) => room.onStatus(() => fn()) },
    onElected: (t) => {
      // A takeover promises everyone a fresh interpreter (model/handover.ts).
      if (!fresh && t.note !== null) void kernel.restart();
      fresh = false;
      log(t.note?.from ? `Executing for the room (took over from ${t.note.from.name}).` : 'Executing for the room.');
      const watcher = new VariablesWatcher(kernel, (result, sessionId) =>
        presence.setVariables(result ? { sessionId, at: Date.now(), ...result } : null),
      );
      const stop = startExecutor(doc, kernel, t.me, {
        isExecutor: t.mayExecute,
        confirmClaim: t.confirmClaim,
        awareness: presence.awareness,
        onExecutorChange: (recheck) => t.onRoleChange(() => recheck()),
        afterCodeRun: () => watcher.refresh(),
      });
      return () => {
        stop();
        watcher.destroy();
        presence.setVariables(null);
        log('No longer executing for the room.');
      };
    },
  });
  const offControl = followKernelControl(
    doc,
    () => election.role().acting,
    (action) => {
      log(action === 'interrupt' ? 'A peer asked to interrupt the kernel.' : 'A peer asked to restart the kernel.');
      void (action === 'interrupt' ? kernel.interrupt() : kernel.restart());
    },
  );

  let left: Promise<void> | null = null;
  const leave = (): Promise<void> => {
    left ??= (async () => {
      // The goodbye first, while this peer still executes: peers take over at once ("left"), and the taker marks
      // the run in progress here interrupted, exactly as when a tab closes. Nothing this process does after that
      // reaches the room.
      room.destroy();
      offControl();
      election.destroy();
      liveness.destroy();
      witness.destroy();
      presence.destroy();
      offKernel();
      offRevive();
      await kernel.shutdown();
      doc.destroy();
    })();
    return left;
  };
  return { room, election, leave };
}
