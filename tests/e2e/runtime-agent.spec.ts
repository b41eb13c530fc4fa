/**
 * The headless runtime agent (src/runtime, `npx anode-runtime`): the real command in a child process, with the
 * Jupyter server it starts itself (Debian's jupyter-server and ipykernel), joins a room of two real Chromium pages
 * over real WebRTC (@roamhq/wrtc in Node) and y-webrtc's signaling on 127.0.0.1; it becomes the room's executor, runs
 * both people's cells on CPython, and when stopped (SIGINT while a cell runs, SIGTERM while idle) leaves like a closing
 * tab: a browser takes over, the running cell says it was interrupted, and the next cell runs in the browser.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { test, expect, type BrowserContext, type Page } from './fixtures';
import { BOOT_TIMEOUT, cell, outputs, setSource } from './kernel-helpers';
import { SIGNALING_URL, UI_TIMEOUT, openPerson, shareOpenNotebook } from './helpers/app';

const RUNTIME = `Ada’s runtime on ${hostname()}`.slice(0, 40);

interface Agent {
  proc: ChildProcess;
  log(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

/** Starts `anode-runtime <link>` as an operator would (the package's bin, run by Node). */
function startAgent(link: string): Agent {
  const proc = spawn(process.execPath, ['scripts/anode-runtime.mjs', link, '--name', 'Ada', '--signaling', SIGNALING_URL], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  proc.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, log: () => log, exited };
}

/** Runs the cell at `index` in place (Ctrl+Enter) with `code` as its source. */
async function runCell(page: Page, code: string, index: number): Promise<void> {
  await setSource(page, code, index);
  await page.keyboard.press('Control+Enter');
}

/**
 * After the agent left: the browser that took over (its bar says so). It runs the next cell itself, so that no
 * consent prompt (running another person's code in one's browser) stands in the way.
 */
async function newExecutor(pages: Page[]): Promise<Page> {
  for (const p of pages) await expect(p.getByTestId('executor')).not.toContainText(RUNTIME, { timeout: UI_TIMEOUT });
  await expect(async () => {
    const texts = await Promise.all(pages.map((p) => p.getByTestId('executor').textContent()));
    expect(texts).toContain('Code runs in your browser');
  }).toPass({ timeout: UI_TIMEOUT });
  for (const p of pages) if ((await p.getByTestId('executor').textContent()) === 'Code runs in your browser') return p;
  throw new Error('no browser took over');
}

test.describe.configure({ mode: 'serial' });

let contexts: BrowserContext[] = [];
let agents: Agent[] = [];

test.afterEach(async () => {
  // A test that failed before stopping its agent: SIGTERM lets it stop the Jupyter server it started too.
  for (const a of agents) {
    if (a.proc.exitCode !== null || a.proc.signalCode !== null) continue;
    a.proc.kill('SIGTERM');
    const timer = setTimeout(() => a.proc.kill('SIGKILL'), 15_000);
    await a.exited;
    clearTimeout(timer);
  }
  agents = [];
  await Promise.all(contexts.map((c) => c.close()));
  contexts = [];
});

/** Ada (with three cells) shares a notebook, Bob joins, the agent joins and takes over; returns the pages and agent. */
async function roomWithAgent(browser: Parameters<typeof openPerson>[0]): Promise<{ ada: Page; bob: Page; agent: Agent }> {
  const ada = await openPerson(browser, contexts, 'Ada', '#d33682');
  const bob = await openPerson(browser, contexts, 'Bob', '#268bd2');
  await ada.goto('./');
  await expect(cell(ada).locator('.cm-content')).toBeVisible({ timeout: UI_TIMEOUT });
  for (const n of [2, 3]) {
    await ada.getByRole('button', { name: 'Add code cell', exact: true }).click();
    await expect(ada.locator('[data-cell-id]')).toHaveCount(n);
  }
  const link = await shareOpenNotebook(ada);
  await bob.goto(link);
  await expect(bob.locator('[data-cell-id]')).toHaveCount(3, { timeout: UI_TIMEOUT });
  const agent = startAgent(link);
  agents.push(agent);
  // Both see the runtime in presence and as the room's executor (it outranks Ada's browser once its kernel is ready).
  for (const p of [ada, bob]) {
    await expect(p.locator(`.avatars [data-peer="${RUNTIME}"]`)).toHaveCount(1, { timeout: BOOT_TIMEOUT });
    await expect(p.getByTestId('executor')).toHaveText(`Code runs on ${RUNTIME} (python3)`, { timeout: BOOT_TIMEOUT });
  }
  return { ada, bob, agent };
}

test('the runtime agent joins a room and runs both peers’ cells on its Jupyter kernel; Ctrl+C mid-run hands over', async ({ browser }) => {
  test.setTimeout(300_000);
  const { ada, bob, agent } = await roomWithAgent(browser);

  // Bob and Ada each run a cell: CPython on the agent's machine (Pyodide would say emscripten), seen by both.
  await runCell(bob, 'import sys, os\nprint("bob on", sys.platform, os.getpid() > 0)', 0);
  await runCell(ada, 'import sys\nprint("ada on", sys.platform)\n6 * 7', 1);
  for (const p of [ada, bob]) {
    await expect(outputs(p, 0)).toContainText('bob on linux True', { timeout: BOOT_TIMEOUT });
    await expect(outputs(p, 1)).toContainText('ada on linux');
    await expect(outputs(p, 1)).toContainText('42');
  }

  // A long cell starts on the agent; the operator presses Ctrl+C.
  await runCell(bob, "print('started', flush=True)\nimport time\nwhile True: time.sleep(0.1)", 2);
  await expect(outputs(ada, 2)).toContainText('started', { timeout: UI_TIMEOUT });
  agent.proc.kill('SIGINT');
  expect(await agent.exited).toBe(0);
  expect(agent.log()).toContain('Left; the kernel is shut down.');

  // A browser takes over at once (a goodbye, not a timeout): the running cell is marked interrupted, with who left.
  const taker = await newExecutor([ada, bob]);
  for (const p of [ada, bob]) {
    await expect(p.locator(`.avatars [data-peer="${RUNTIME}"]`)).toHaveCount(0);
    await expect(outputs(p, 2)).toContainText('ExecutorLost');
    await expect(outputs(p, 2)).toContainText(`${RUNTIME} left the room while this cell was running`);
    await expect(cell(p, 2)).toContainText('Interrupted');
    await expect(p.getByTestId('handover')).toContainText(`Python moved from ${RUNTIME} to`);
  }
  // The next cell runs in a browser's Pyodide.
  await runCell(taker, 'import sys\nprint("now on", sys.platform)', 0);
  for (const p of [ada, bob]) await expect(outputs(p, 0)).toContainText('now on emscripten', { timeout: BOOT_TIMEOUT });
});

test('stopped while idle (SIGTERM), the agent hands over and a browser runs the next cell', async ({ browser }) => {
  test.setTimeout(300_000);
  const { ada, bob, agent } = await roomWithAgent(browser);
  await runCell(ada, 'x = 1\nimport sys\nprint("agent", sys.platform)', 0);
  await expect(outputs(bob, 0)).toContainText('agent linux', { timeout: BOOT_TIMEOUT });

  agent.proc.kill('SIGTERM');
  expect(await agent.exited).toBe(0);
  const taker = await newExecutor([ada, bob]);
  await runCell(taker, 'import sys\nprint("browser", sys.platform)', 1);
  for (const p of [ada, bob]) await expect(outputs(p, 1)).toContainText('browser emscripten', { timeout: BOOT_TIMEOUT });
});

test('through the relay a share link names, the agent runs the cells of Bob, whose browser has no WebRTC', async ({ browser }) => {
  test.setTimeout(300_000);
  const relay = `ws://127.0.0.1:${process.env.E2E_PORT ?? 4180}/relay`;
  const ada = await openPerson(browser, contexts, 'Ada', '#d33682');
  const bob = await openPerson(browser, contexts, 'Bob', '#268bd2');
  await ada.context().addInitScript((url) => {
    if (window === window.top) localStorage.setItem('anode.relay', url);
  }, relay);
  await bob.context().addInitScript(() => {
    Reflect.deleteProperty(window, 'RTCPeerConnection');
    Reflect.deleteProperty(window, 'webkitRTCPeerConnection');
  });
  await ada.goto('./');
  await expect(cell(ada).locator('.cm-content')).toBeVisible({ timeout: UI_TIMEOUT });
  const link = await shareOpenNotebook(ada);
  expect(link).toContain('?relay=');
  await bob.goto(link);
  await expect(cell(bob).locator('.cm-content')).toBeVisible({ timeout: UI_TIMEOUT });
  // The agent reads the relay from the link, like any peer: no option for it.
  agents.push(startAgent(link));
  await expect(bob.getByTestId('executor')).toHaveText(`Code runs on ${RUNTIME} (python3)`, { timeout: BOOT_TIMEOUT });
  await runCell(bob, 'import sys\nprint("bob via relay on", sys.platform)', 0);
  for (const p of [bob, ada]) await expect(outputs(p, 0)).toContainText('bob via relay on linux', { timeout: BOOT_TIMEOUT });
  // Both Ada and the agent reach Bob through the relay themselves (not only bridged by Ada's browser).
  await bob.getByTestId('room-status').click();
  await expect(bob.getByTestId('connections').locator('[data-relay="connected"]')).toContainText('2 other(s) through it', { timeout: UI_TIMEOUT });
});
