// A second "tab" for sync-room.test.ts: a worker thread with its own y-webrtc provider in the same room, so the
// two meet over BroadcastChannel (which Node shares between worker threads) the way two tabs of one browser do.
// Plain JS on purpose: it uses y-webrtc directly, as another build of the app would, not the code under test.
import { parentPort, workerData } from 'node:worker_threads';
import * as Y from 'yjs';
import { WebrtcProvider } from 'y-webrtc';

// A peer with another secret cannot decrypt our messages (nor we theirs): y-webrtc lets the failed decryption
// reject unhandled, which would end this worker. Those failures are the point of the wrong-secret test.
process.on('unhandledRejection', (e) => {
  if (!(e instanceof Error && e.name === 'OperationError')) throw e;
  parentPort.postMessage({ type: 'undecryptable' });
});

const doc = new Y.Doc();
const provider = new WebrtcProvider(workerData.topic, doc, { signaling: [], password: workerData.secret });
provider.awareness.setLocalState({ user: { name: workerData.name, color: '#445566' }, v: 1, joinedAt: 1, offersExecution: true, kernel: 'none', cell: null });
const text = doc.getText('t');
text.observe(() => parentPort.postMessage({ type: 'text', text: text.toString() }));
parentPort.on('message', (m) => {
  if (m.type === 'append') text.insert(text.length, m.text);
  if (m.type === 'close') {
    provider.disconnect();
    provider.destroy();
    setTimeout(() => process.exit(0), 50);
  }
});
parentPort.postMessage({ type: 'ready' });
