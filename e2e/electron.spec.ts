import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { PRELOAD_API_KEYS } from '../shared/contract/wire';
import { peerNote } from '../test/helpers/peers';

// The desktop app itself: hardened renderer (R-WIN, R-NAV) and the smoke path with R-CLEANUP.
// It needs a real Electron binary, which machines without GitHub access cannot download; then every test
// here is skipped with the reason, and the same UI is still covered in Chromium through the bridge.

const ROOT = path.resolve(__dirname, '..');

type BinaryLookup = { path: string } | { missing: string };

function findBinary(): BinaryLookup {
  try {
    // Never require('electron') here: outside Electron that module starts the binary download.
    const { findElectronBinary } = require(path.join(ROOT, 'bin', 'lib', 'electron-binary.cjs')) as {
      findElectronBinary: () => BinaryLookup;
    };
    return findElectronBinary();
  } catch (err) {
    return {
      missing: `bin/lib/electron-binary.cjs could not be loaded (${err instanceof Error ? err.message : String(err)})`,
    };
  }
}

const binary = findBinary();
const missing = 'missing' in binary ? binary.missing : undefined;
if (missing !== undefined) console.log(`Electron binary not available: ${missing}`);

/** The main process's view, for the few checks the page cannot make itself. */
interface MainProbe {
  __sockpitOpened?: string[];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Resolves when something can bind 127.0.0.1:port again, i.e. nothing of ours still listens there. */
async function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

test.describe('desktop app (Electron)', () => {
  test.skip(missing !== undefined, peerNote('Electron binary', missing ?? ''));

  let app: ElectronApplication | undefined;
  let page: Page;
  let userData: string;

  test.beforeEach(async () => {
    if (!('path' in binary)) return;
    userData = mkdtempSync(path.join(tmpdir(), 'sockpit-e2e-userdata-'));
    app = await _electron.launch({
      executablePath: binary.path,
      // Chromium refuses to start as root with its sandbox on (CI containers); the renderer still runs
      // Electron's sandboxed preload environment, which is what the checks below look at.
      args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), '.'],
      cwd: ROOT,
      env: { ...process.env, SOCKPIT_USER_DATA: userData },
    });
    page = await app.firstWindow();
    await expect(page.getByRole('button', { name: 'New session' })).toBeVisible();
  });

  test.afterEach(async () => {
    await app?.close().catch(() => undefined);
    app = undefined;
    rmSync(userData, { recursive: true, force: true });
  });

  test('the renderer has no Node, only the documented bridge, and serves from app://bundle', async () => {
    expect(await page.evaluate(() => [typeof require, typeof process, typeof module])).toEqual([
      'undefined',
      'undefined',
      'undefined',
    ]);
    expect(await page.evaluate(() => Object.keys((globalThis as unknown as { sockpit: object }).sockpit))).toEqual([
      ...PRELOAD_API_KEYS,
    ]);
    expect(await page.evaluate(() => (globalThis as unknown as { location: { href: string } }).location.href)).toMatch(
      /^app:\/\/bundle\//,
    );
  });

  test('popups are refused, only web links reach the (mocked) browser, and navigation stays in the bundle', async () => {
    if (!app) throw new Error('app not launched');
    // Replace the real browser launch, so the test neither opens a browser nor depends on one.
    const mocked = await app.evaluate(({ shell }) => {
      const opened: string[] = [];
      (globalThis as MainProbe).__sockpitOpened = opened;
      shell.openExternal = async (url: string) => {
        opened.push(url);
      };
      return true;
    });
    expect(mocked).toBe(true);

    const open = (url: string) =>
      page.evaluate((target) => (globalThis as unknown as { open: (u: string) => unknown }).open(target) === null, url);
    expect(await open('https://example.org')).toBe(true);
    expect(await open('file:///etc/passwd')).toBe(true);
    expect(await open('smb://attacker/share')).toBe(true);
    await expect
      .poll(() => app!.evaluate(() => (globalThis as MainProbe).__sockpitOpened ?? []))
      .toEqual(['https://example.org/']);
    expect(app.windows()).toHaveLength(1);

    const before = page.url();
    await page.evaluate(() => {
      (globalThis as unknown as { location: { href: string } }).location.href = 'https://example.org/';
    });
    // Give a navigation that was not blocked time to commit before looking.
    await page.waitForTimeout(500);
    expect(page.url()).toBe(before);
    expect(
      await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => w.webContents.getURL())),
    ).toEqual([before]);
  });

  test('smoke: a TCP server listens, and quitting closes it so its port is free at once (R-CLEANUP)', async () => {
    if (!app) throw new Error('app not launched');
    const port = await freePort();
    await page.getByRole('button', { name: 'New session' }).click();
    const pane = page.getByRole('region', { name: /^TCP server/ }).first();
    await pane.getByLabel('Session type').selectOption({ label: 'TCP server' });
    await pane.getByLabel('Local address').fill('127.0.0.1');
    await pane.getByLabel('Local port').fill(String(port));
    await pane.getByRole('button', { name: 'Start' }).click();
    await expect(pane.getByRole('status').filter({ hasText: 'Listening on' })).toBeVisible();
    expect(await canListen(port)).toBe(false);

    const started = Date.now();
    await app.close();
    app = undefined;
    // The quit waits for the engine's shutdown, bounded at 2 s; leave room for process teardown.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await canListen(port)).toBe(true);
  });
});
