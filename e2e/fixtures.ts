import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import WebSocket from 'ws';
import { decodeBatch } from '../shared/contract/batch';
import { fromWireText, toWireText } from '../shared/contract/wire';
import { startProgram } from '../test/helpers/processes';

const ROOT = path.resolve(__dirname, '..');

type CommandReply = { ok: boolean; value?: unknown; error?: { code: string; message: string } };

export interface Bridge {
  /** http://127.0.0.1:PORT/#token=… as printed by `npm run web`. */
  url: string;
  /** Give the engine a command directly, as a non-browser client of the bridge would. */
  command(command: object): Promise<CommandReply>;
  /** Remove every session and forget the page's part of the workspace, so each test starts from an empty engine. */
  reset(): Promise<void>;
}

async function startBridge(): Promise<{ bridge: Bridge; stop: () => Promise<void> }> {
  // Its own workspace folder: a test never reads or writes the workspace of the person running it.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sockpit-e2e-data-'));
  const child = startProgram(
    process.execPath,
    [path.join(ROOT, 'bin', 'web.cjs'), '--port', '0', '--data-dir', dataDir, '--no-open'],
    undefined,
    { cwd: ROOT, outlivesTests: true },
  );
  // The first run of a fresh clone builds the UI before it prints the address.
  const url = (await child.waitForLine(/(http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)/, 60_000))[1];
  const wsUrl = url.replace('http://', 'ws://').replace(/\/#token=(.*)$/, '/ws?token=$1');
  let socket: WebSocket | undefined;
  let nextId = 1;
  const waiting = new Map<number, (reply: CommandReply) => void>();
  const connect = () =>
    new Promise<WebSocket>((ok, fail) => {
      if (socket && socket.readyState === WebSocket.OPEN) return ok(socket);
      const ws = new WebSocket(wsUrl);
      ws.on('open', () => ok((socket = ws)));
      ws.on('error', fail);
      ws.on('message', (data, isBinary) => {
        // Batches of events and records are for user interfaces; this client only acknowledges them,
        // so the bridge keeps its window open instead of holding events back for it.
        if (isBinary) {
          const batch = decodeBatch(new Uint8Array(data as Buffer));
          if (batch) ws.send(JSON.stringify({ type: 'ack', batchId: batch.header.batchId }));
          return;
        }
        const message = fromWireText(String(data)) as { type: string; id: number; result: CommandReply };
        if (message.type === 'reply') waiting.get(message.id)?.(message.result);
      });
    });
  const bridge: Bridge = {
    url,
    async command(command) {
      const ws = await connect();
      const id = nextId++;
      return new Promise((ok) => {
        waiting.set(id, ok);
        ws.send(toWireText({ type: 'command', id, command }));
      });
    },
    async reset() {
      const listed = await bridge.command({ type: 'session.list' });
      for (const session of (listed.value as Array<{ sessionId: string }>) ?? []) {
        await bridge.command({ type: 'session.remove', sessionId: session.sessionId });
      }
      // The page's part of the workspace (language, presets, layout) starts empty too, as on a first launch.
      await bridge.command({ type: 'workspace.ui', ui: {} });
    },
  };
  return {
    bridge,
    stop: async () => {
      socket?.close();
      child.process.kill('SIGTERM');
      await child.exited(5000).catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The UI as a person sees it: panes named after their sessions, fields found by their labels. */
export class App {
  constructor(readonly page: Page) {}

  pane(name: string): Locator {
    return this.page.getByRole('region', { name, exact: true });
  }

  /** Click "New session" and return the new session's pane (named "TCP server N" until its type changes). */
  private paneNames(): Promise<string[]> {
    return this.page
      .locator('section.pane')
      .evaluateAll((panes) => panes.map((p) => p.getAttribute('aria-label') ?? ''));
  }

  /**
   * Show the session's full settings ("Session settings" in the pane's header) if they are folded away. A
   * session that never ran shows them already; after a start they fold, so a spec that changes them opens
   * them here first.
   */
  async openSettings(pane: Locator): Promise<void> {
    const toggle = pane.getByRole('button', { name: 'Session settings' });
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  }

  /**
   * Click "New session" and return the new session's pane (named "TCP server N" until its type changes).
   * "New session" fills an empty pane, else replaces the active one; so that every session made here stays
   * in view, as a person would, this first adds a pane (up to four) when none is empty.
   */
  async newSession(kind: 'TCP server' | 'TCP client' | 'UDP' = 'TCP server'): Promise<Locator> {
    const before = await this.paneNames();
    const panes = await this.page.locator('.pane-slot').count();
    if ((await this.page.locator('.pane.empty').count()) === 0 && panes < 4) {
      await this.page.getByLabel('Panes', { exact: true }).selectOption(String(panes + 1));
      await expect(this.page.locator('.pane.empty')).toHaveCount(1);
    }
    await this.page.getByRole('button', { name: 'New session' }).click();
    let name = '';
    await expect
      .poll(async () => {
        name = (await this.paneNames()).find((label) => label && !before.includes(label)) ?? '';
        return name;
      })
      .not.toBe('');
    let pane = this.pane(name);
    if (kind !== 'TCP server') {
      await pane.getByLabel('Session type').selectOption({ label: kind });
      await expect
        .poll(async () => {
          name = (await this.paneNames()).find((label) => label.startsWith(kind) && !before.includes(label)) ?? '';
          return name;
        })
        .not.toBe('');
      pane = this.pane(name);
    }
    return pane;
  }

  /** Start a TCP server on 127.0.0.1 and a free port; returns the port it listens on. */
  async startServer(pane: Locator, port = '0'): Promise<number> {
    await this.openSettings(pane);
    await pane.getByLabel('Local address').fill('127.0.0.1');
    await pane.getByLabel('Local port').fill(port);
    await pane.getByRole('button', { name: 'Start' }).click();
    const status = pane.getByRole('status').filter({ hasText: 'Listening on' });
    await expect(status).toBeVisible();
    const text = (await status.textContent()) ?? '';
    return Number(/:(\d+)\s*$/.exec(text.trim())?.[1]);
  }

  async connectClient(pane: Locator, port: number): Promise<void> {
    await this.openSettings(pane);
    await pane.getByLabel('Remote host').fill('127.0.0.1');
    await pane.getByLabel('Remote port').fill(String(port));
    await pane.getByRole('button', { name: 'Start' }).click();
    await expect(pane.getByRole('status').filter({ hasText: 'Connected to' })).toBeVisible();
  }

  async send(pane: Locator, text: string): Promise<void> {
    await pane.getByLabel('Message').fill(text);
    await pane.getByRole('button', { name: 'Send', exact: true }).click();
  }

  log(pane: Locator): Locator {
    return pane.getByRole('region', { name: 'Log' });
  }
}

export const test = base.extend<{ app: App }, { bridge: Bridge }>({
  bridge: [
    async ({}, use) => {
      const { bridge, stop } = await startBridge();
      await use(bridge);
      await stop();
    },
    { scope: 'worker', timeout: 90_000 },
  ],
  app: async ({ page, bridge }, use) => {
    await bridge.reset();
    await page.goto(bridge.url);
    await expect(page.locator('[data-app-state="loaded"]')).toBeVisible();
    await use(new App(page));
  },
});

export { expect };
