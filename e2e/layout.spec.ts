import { mkdirSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { expect, test, type App, type Bridge } from './fixtures';
import { startPythonProgram, stopAll } from '../test/helpers/processes';

// The pane layout as a person sees it: 1 to 4 panes at a laptop's 1280×800 and a desktop's 1920×1080,
// every pane a session with real traffic. What the issue promised is measured in pixels: ten log rows per
// pane at 1280×800 with four panes, a data column of 300 px at 1920×1080 with four, no control cut off.
// The screenshots go to test-results/layout/ as artifacts.

const SHOTS = 'test-results/layout';
const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const;

test.afterEach(() => stopAll());

/** A device on the network, as a tutorial writes one: it connects and reports a reading every 20 ms. */
function device(port: number) {
  return startPythonProgram(`
import socket, time
s = socket.create_connection(('127.0.0.1', ${port}))
print('connected', flush=True)
for i in range(24):
    s.sendall(('T=%d.%d H=%d%%\\r\\n' % (20 + i % 7, i % 10, 40 + i)).encode())
    time.sleep(0.02)
time.sleep(60)
`);
}

async function sessionId(bridge: Bridge, name: string): Promise<string> {
  const listed = await bridge.command({ type: 'session.list' });
  const found = (listed.value as Array<{ sessionId: string; name: string }>).find((s) => s.name === name);
  if (!found) throw new Error(`no session named ${name}`);
  return found.sessionId;
}

/** Pane 1 a server with a python device and the app's own clients; panes 2..n those clients. */
async function openPanes(app: App, bridge: Bridge, count: number) {
  const server = await app.newSession();
  const port = await app.startServer(server);
  const peer = device(port);
  await peer.waitForLine(/connected/);
  const clients = [];
  for (let n = 1; n < count; n++) {
    const client = await app.newSession('TCP client');
    await app.connectClient(client, port);
    clients.push(client);
  }
  const id = await sessionId(bridge, 'TCP server 1');
  for (let i = 0; i < 16; i++) {
    // One send at a time, each a record of its own on both sides.
    const sent = await bridge.command({
      type: 'send',
      sessionId: id,
      payload: { mode: 'text', data: `READ ${i} T=2${i % 10}.5`, lineEnding: 'crlf' },
    });
    expect(sent.ok).toBe(true);
  }
  // The log draws only the rows in view; the count of them all is on its scroller.
  const total = (pane: Locator) =>
    app
      .log(pane)
      .locator('.log-rows')
      .getAttribute('data-total-rows')
      .then((n) => Number(n));
  await expect.poll(() => total(server)).toBeGreaterThanOrEqual(30);
  for (const client of clients) await expect.poll(() => total(client)).toBeGreaterThanOrEqual(12);
  return { server, clients, peer };
}

interface PaneMeasure {
  name: string;
  overflowX: number;
  fullRows: number;
  logHeight: number;
  dataWidth: number;
  send: { left: number; right: number; top: number; bottom: number } | undefined;
  paneBox: { left: number; right: number };
}

/** Per pane: how far its content overflows sideways, the log rows fully in view, the data column's width. */
function measure(page: Page): Promise<PaneMeasure[]> {
  return page.locator('section.pane').evaluateAll((panes) =>
    panes.map((pane) => {
      const rows = pane.querySelector('.log-rows')!.getBoundingClientRect();
      const fullRows = [...pane.querySelectorAll('.log-row')].filter((row) => {
        const box = row.getBoundingClientRect();
        return box.height > 0 && box.top >= rows.top - 0.5 && box.bottom <= rows.bottom + 0.5;
      }).length;
      const contents = [...pane.querySelectorAll('.log-row .log-content')].map((c) => c.getBoundingClientRect().width);
      const send = [...pane.querySelectorAll('button')].find((b) => b.textContent === 'Send');
      const box = pane.getBoundingClientRect();
      return {
        name: pane.getAttribute('aria-label') ?? '',
        overflowX: pane.scrollWidth - pane.clientWidth,
        fullRows,
        logHeight: rows.height,
        dataWidth: contents.length ? Math.min(...contents) : 0,
        send: send
          ? (({ left, right, top, bottom }) => ({ left, right, top, bottom }))(send.getBoundingClientRect())
          : undefined,
        paneBox: { left: box.left, right: box.right },
      };
    }),
  );
}

for (const viewport of VIEWPORTS) {
  for (const count of [1, 2, 3, 4]) {
    test(`${count} pane(s) at ${viewport.width}×${viewport.height}: the log has the room, nothing is cut off`, async ({
      app,
      bridge,
      page,
    }) => {
      await page.setViewportSize(viewport);
      await openPanes(app, bridge, count);
      await expect(page.locator('section.pane')).toHaveCount(count);
      // "New session" never changed the count by itself: the panes are the ones asked for.
      await expect(page.getByLabel('Panes', { exact: true })).toHaveValue(String(count));

      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: `${SHOTS}/${viewport.width}x${viewport.height}-${count}-panes.png` });
      const panes = await measure(page);
      for (const pane of panes) {
        expect(pane.overflowX, `${pane.name} overflows sideways`).toBeLessThanOrEqual(0);
        expect(pane.send, `${pane.name} has a Send button`).toBeDefined();
        expect(pane.send!.left).toBeGreaterThanOrEqual(pane.paneBox.left);
        expect(pane.send!.right).toBeLessThanOrEqual(pane.paneBox.right + 0.5);
        expect(pane.send!.top).toBeGreaterThanOrEqual(0);
        expect(pane.send!.bottom, `${pane.name}'s Send button is below the window`).toBeLessThanOrEqual(
          viewport.height,
        );
        // Room for ten rows of one line everywhere; the two targets exactly where it set them.
        expect(pane.logHeight, `${pane.name}'s log is too low`).toBeGreaterThanOrEqual(10 * 19);
        if (count === 4 && viewport.width === 1280)
          expect(pane.fullRows, `${pane.name} shows too few log rows`).toBeGreaterThanOrEqual(10);
        if (count === 4 && viewport.width === 1920)
          expect(pane.dataWidth, `${pane.name}'s data column`).toBeGreaterThanOrEqual(300);
        expect(pane.dataWidth, `${pane.name}'s data column`).toBeGreaterThanOrEqual(140);
      }
    });
  }
}
