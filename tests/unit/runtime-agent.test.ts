import { describe, expect, it } from 'vitest';
import { parseAgentArgs, runtimeName } from '../../src/runtime/args';
import { electExecutor } from '../../src/sync/election';
import { PRESENCE_VERSION, readPeer } from '../../src/sync/awareness';
import { MAX_NAME_LENGTH } from '../../src/sync/settings';
import {
  LOCAL,
  SYSTEM,
  cellOrder,
  cellOutputs,
  getCell,
  claimRun,
  createNotebookDoc,
  describeHandover,
  executorLostOutput,
  readHandover,
  requestRun,
  runsOn,
  startSession,
  takeOverSession,
} from '../../src/model';

const LINK = 'http://127.0.0.1:4173/app/#/r/nb123/abcdefghijklmnopqrstuv';
const ENV = { USER: 'ada' };

function parse(...argv: string[]) {
  return parseAgentArgs(argv, ENV);
}

describe('anode-runtime arguments', () => {
  it('reads the room and secret from the link, and finds signaling beside the app', () => {
    const r = parse(LINK);
    expect(r).toEqual({
      ok: true,
      args: { room: { room: 'nb123', secret: 'abcdefghijklmnopqrstuv' }, server: null, kernel: 'python3', name: 'ada', signaling: ['ws://127.0.0.1:4173/app/signal'] },
    });
  });

  it('takes a server with its token, a kernel, a name and signaling servers, in either option form', () => {
    const r = parse('--server', 'http://gpu:8888/lab?x=1', '--token=t0k', LINK, '--kernel', 'ir', '--name', 'Grace', '--signaling', 'wss://a/s', '--signaling=ws://b/s');
    expect(r.ok === true && r.args).toMatchObject({ server: { url: 'http://gpu:8888/lab/', token: 't0k' }, kernel: 'ir', name: 'Grace', signaling: ['wss://a/s', 'ws://b/s'] });
  });

  it('takes the token from $JUPYTER_TOKEN', () => {
    const r = parseAgentArgs([LINK, '--server', 'http://h:8888/'], { JUPYTER_TOKEN: 'env-token' });
    expect(r.ok === true && r.args.server).toEqual({ url: 'http://h:8888/', token: 'env-token' });
  });

  it.each([
    [[], 'Give the room link'],
    [[LINK, LINK], 'Give one room link'],
    [['http://127.0.0.1:4173/'], 'Not a room link'],
    [['http://127.0.0.1:4173/#/r/nb123/short'], 'Not a room link'],
    [[LINK, '--bogus'], 'Unknown option --bogus'],
    [[LINK, '--name'], '--name needs a value'],
    [[LINK, '--server', 'not a url', '--token', 't'], 'is not a URL'],
    [[LINK, '--server', 'ftp://h/', '--token', 't'], 'http(s) URL'],
    [[LINK, '--server', 'http://h:8888/'], '--server needs --token'],
    [[LINK, '--token', 't'], '--token goes with --server'],
    [[LINK, '--signaling', 'http://not-ws/'], 'ws:// or wss://'],
    [['#/r/nb123/abcdefghijklmnopqrstuv'], 'give --signaling'],
  ])('refuses %j with a message saying what to do', (argv, message) => {
    const r = parse(...argv);
    expect(r.ok).toBe(false);
    expect(r.ok === false && r.message).toContain(message);
  });

  it('accepts a bare fragment when signaling is given', () => {
    const r = parse('#/r/nb123/abcdefghijklmnopqrstuv', '--signaling', 'ws://127.0.0.1:4444');
    expect(r.ok === true && r.args.room.room).toBe('nb123');
  });

  it('answers --help', () => {
    expect(parse(LINK, '--help')).toEqual({ ok: 'help' });
  });

  it('names the runtime after its owner and machine, within the presence limit', () => {
    expect(runtimeName('Ada', 'gpu-box')).toBe('Ada’s runtime on gpu-box');
    const long = runtimeName('Ada', 'a-very-long-host-name.example.internal');
    expect(long).toHaveLength(MAX_NAME_LENGTH);
    expect(long.startsWith('Ada’s runtime on a-very')).toBe(true);
  });
});

describe('the election with a runtime agent', () => {
  const peer = (joinedAt: number, kernel: 'ready' | 'starting', runtime = false, executes: string | null = null) => ({
    v: PRESENCE_VERSION,
    user: { name: 'P', color: '#336699' },
    cell: null,
    offersExecution: true,
    kernel,
    joinedAt,
    executes,
    seen: null,
    ...(runtime ? { runtime: true } : {}),
  });

  it('reads the runtime flag from presence, and only a literal true', () => {
    expect(readPeer(peer(1, 'ready', true))?.runtime).toBe(true);
    expect(readPeer({ ...peer(1, 'ready'), runtime: 'yes' })?.runtime).toBeUndefined();
  });

  it('prefers a ready runtime over a more senior ready browser', () => {
    expect(electExecutor(new Map([[1, peer(100, 'ready')], [2, peer(900, 'ready', true)]]), null)).toBe(2);
  });

  it('moves the role from a recorded browser to a runtime once its kernel is ready, not before', () => {
    const browser = peer(100, 'ready', false, 's1');
    const recorded = { client: 1, sessionId: 's1' };
    expect(electExecutor(new Map([[1, browser], [2, peer(900, 'starting', true)]]), recorded)).toBe(1);
    expect(electExecutor(new Map([[1, browser], [2, peer(900, 'ready', true)]]), recorded)).toBe(2);
  });

  it('keeps a recorded runtime when another runtime arrives (stability holds among runtimes)', () => {
    const recorded = { client: 2, sessionId: 's1' };
    const states = new Map([[2, peer(900, 'starting', true, 's1')], [3, peer(100, 'ready', true)]]);
    expect(electExecutor(states, recorded)).toBe(2);
  });

  it('gives the role back to a browser when the runtime is gone', () => {
    const recorded = { client: 2, sessionId: 's1' };
    expect(electExecutor(new Map([[1, peer(100, 'ready')]]), recorded)).toBe(1);
  });
});

describe('how the room names a runtime agent', () => {
  const agent = { client: 7, name: 'Ada’s runtime on gpu', runtime: true as const };
  const bob = { client: 8, name: 'Bob' };

  it('by its own name where a browser is "X’s browser"', () => {
    expect(runsOn(agent)).toBe('on Ada’s runtime on gpu');
    expect(runsOn(bob)).toBe('in Bob’s browser');
    expect(executorLostOutput(agent, 'left').evalue).toMatch(/^Ada’s runtime on gpu left the room while this cell was running/);
    expect(executorLostOutput(bob, 'left').evalue).toMatch(/^Bob's browser left the room/);
  });

  it('keeps the runtime mark through a takeover, in the note and the interrupted run', () => {
    const doc = createNotebookDoc();
    startSession(doc, 's1', agent, SYSTEM);
    const cellId = cellOrder(doc)[0]!;
    const runId = requestRun(doc, cellId, bob, LOCAL)!;
    expect(claimRun(doc, runId, agent, SYSTEM)).toBe(true);
    const note = takeOverSession(doc, 's2', bob, SYSTEM, { reason: 'left' });
    expect(note.from).toEqual(agent);
    expect(describeHandover(readHandover(doc)!)).toMatch(/^Python moved from Ada’s runtime on gpu to Bob’s \(Ada’s runtime on gpu left\)/);
    expect(JSON.stringify(cellOutputs(getCell(doc, cellId)!)?.toJSON())).toContain('Ada’s runtime on gpu left the room');
  });
});

describe('the runtime needs an edit link', () => {
  it('refuses a "can view" link (peers would drop its outputs) and takes the "can edit" one', async () => {
    const { linksOf, newRoomKey } = await import('../../src/sync/room-index');
    const links = linksOf(await newRoomKey('nb123'), 'http://127.0.0.1:4173/');
    const view = parseAgentArgs([links.view.url], {});
    expect(view.ok === false && view.message).toContain('"can view" link');
    const edit = parseAgentArgs([links.edit.url], {});
    expect(edit.ok === true && edit.args.room.cap).toBe(links.edit.cap);
  });
});
