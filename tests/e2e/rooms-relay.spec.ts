/**
 * A room through the blind relay (src/sync/relay.ts), as users see it: Ada's browser has WebRTC; Bob's has none
 * (RTCPeerConnection removed before the app loads, as browser policies do), so the only path between them is the
 * relay `npm start` serves at /relay (@y/websocket-server). Ada sets it in her Settings; Bob sets nothing: the link
 * Ada shares carries it. Each person has their own browser context (own storage: nothing meets over
 * BroadcastChannel).
 *
 * UI contract: Settings' "Relay server" field; [data-testid="room-status"] opens [data-testid="connections"],
 * whose relay line carries [data-relay="connected"].
 */
import { test, expect, type BrowserContext } from './fixtures';
import { KERNEL_TIMEOUT, UI_TIMEOUT, allowPeerCode, cell, cellText, openPerson, setCellText } from './helpers/app';

const RELAY_URL = `ws://127.0.0.1:${process.env.E2E_PORT ?? 4180}/relay`;

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

test('Bob, whose browser has no WebRTC, works with Ada through the relay: edits, outputs and presence both ways', async ({ browser }) => {
  test.setTimeout(3 * KERNEL_TIMEOUT);
  const ada = await openPerson(browser, contexts, 'Ada', '#d33682');
  const bob = await openPerson(browser, contexts, 'Bob', '#268bd2');
  await bob.context().addInitScript(() => {
    // Gone before the app's code runs, in the page and its frames: as with WebRTC disabled by policy.
    Reflect.deleteProperty(window, 'RTCPeerConnection');
    Reflect.deleteProperty(window, 'webkitRTCPeerConnection');
  });

  // Ada turns the relay on in Settings.
  await ada.goto('./');
  await expect(cell(ada, 0).locator('.cm-content')).toBeVisible({ timeout: UI_TIMEOUT });
  await ada.getByRole('button', { name: 'Settings' }).click();
  const settings = ada.getByRole('dialog', { name: 'Settings' });
  await settings.getByLabel('Relay server').fill('http://not-a-relay');
  await expect(settings.getByRole('alert')).toContainText('Not a ws:// or wss:// URL');
  await settings.getByLabel('Relay server').fill(RELAY_URL);
  await settings.getByRole('button', { name: 'Save', exact: true }).click();
  await settings.getByRole('button', { name: 'Close', exact: true }).last().click();
  await expect(settings).toHaveCount(0);

  await setCellText(ada, 0, 'print(6 * 7)');
  await ada.getByRole('button', { name: 'Share', exact: true }).click();
  const link = await ada.getByLabel('Share link').inputValue();
  expect(link).toContain(`?relay=${encodeURIComponent(RELAY_URL)}`);
  await ada.keyboard.press('Escape');
  // Settings apply to rooms opened from now on: Ada reopens hers.
  await ada.reload();
  await expect(cell(ada, 0).locator('.cm-content')).toBeVisible({ timeout: UI_TIMEOUT });
  await bob.goto(link);
  await expect(cell(bob, 0).locator('.cm-content')).toBeVisible({ timeout: UI_TIMEOUT });
  expect(await bob.evaluate(() => typeof (window as { RTCPeerConnection?: unknown }).RTCPeerConnection)).toBe('undefined');

  // Ada's cell and its output reach Bob; Bob's edit reaches Ada.
  await expect.poll(() => cellText(bob, 0), { timeout: UI_TIMEOUT }).toBe('print(6 * 7)');
  // Ada's reloaded page has taken the room's kernel back (a run queued before that would be for the page she left).
  await expect(ada.getByTestId('executor')).toHaveText('Code runs in your browser', { timeout: KERNEL_TIMEOUT });
  await expect(bob.getByTestId('executor')).toHaveText(/Ada’s browser/, { timeout: UI_TIMEOUT });
  await cell(ada, 0).locator('.cm-content').click();
  await ada.keyboard.press('Control+Enter');
  await expect(cell(bob, 0).locator('.outputs')).toContainText('42', { timeout: KERNEL_TIMEOUT });
  await cell(bob, 0).locator('.cm-content').click();
  await bob.keyboard.press('ControlOrMeta+End');
  await bob.keyboard.type('\nprint("from Bob")');
  await expect.poll(() => cellText(ada, 0), { timeout: UI_TIMEOUT }).toBe('print(6 * 7)\nprint("from Bob")');

  // Presence both ways; Bob's run goes to Ada's kernel.
  await expect(ada.locator('[data-peer="Bob"]')).toBeVisible({ timeout: UI_TIMEOUT });
  await expect(bob.locator('[data-peer="Ada"]')).toBeVisible({ timeout: UI_TIMEOUT });
  await bob.keyboard.press('Control+Enter');
  // Ada's browser asks her before running code someone else sent (src/sync/consent.ts).
  await allowPeerCode(ada, 'Bob');
  await expect(cell(ada, 0).locator('.outputs')).toContainText('from Bob', { timeout: KERNEL_TIMEOUT });
  await expect(cell(bob, 0).locator('.outputs')).toContainText('from Bob', { timeout: UI_TIMEOUT });

  // Bob's connections say why: no WebRTC here, the relay carries the room, and it cannot read it.
  await bob.getByTestId('room-status').click();
  const panel = bob.getByTestId('connections');
  await expect(panel).toContainText('This browser has no WebRTC: the room reaches others through the relay only.');
  await expect(panel.locator('[data-relay="connected"]')).toContainText(RELAY_URL);
  await expect(panel).toContainText('End-to-end encrypted');
  await expect(bob.getByTestId('room-status')).toContainText('through the relay');
});
