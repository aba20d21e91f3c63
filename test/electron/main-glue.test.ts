import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { BATCH_INTERVAL_MS, MAX_UNACKED_BATCHES, decodeBatch } from '../../shared/contract/batch';
import { IPC_CHANNELS } from '../../shared/contract/wire';
import { CSP } from '../../shared/csp';

// main.ts is glue, but glue can be wired wrong (a handler never registered, the sandbox enabled after
// ready, a quit that never waits for the sockets). Without an Electron binary, this runs main.ts against
// a recording stand-in for the electron module and checks the wiring, in the order Electron needs it.

const fake = vi.hoisted(() => {
  const { EventEmitter: Emitter } = require('node:events') as typeof import('node:events');
  const calls: string[] = [];
  let resolveReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });

  class FakeApp extends Emitter {
    isPackaged = false;
    readonly paths = new Map<string, string>();
    quitCalls = 0;
    enableSandbox() {
      calls.push('enableSandbox');
    }
    setPath(name: string, value: string) {
      calls.push(`setPath:${name}`);
      this.paths.set(name, value);
    }
    getPath(name: string) {
      return this.paths.get(name) ?? '/nonexistent';
    }
    requestSingleInstanceLock() {
      calls.push('requestSingleInstanceLock');
      return true;
    }
    quit() {
      this.quitCalls++;
      calls.push('quit');
    }
    whenReady() {
      return ready;
    }
  }

  class FakeWebContents extends Emitter {
    readonly mainFrame = { url: 'app://bundle/index.html' };
    readonly sent: Array<[string, unknown]> = [];
    windowOpenHandler?: (details: { url: string }) => { action: string };
    send(channel: string, payload: unknown) {
      this.sent.push([channel, payload]);
    }
    isDestroyed() {
      return false;
    }
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
      this.windowOpenHandler = handler;
    }
  }

  const windows: FakeBrowserWindow[] = [];
  class FakeBrowserWindow extends Emitter {
    readonly webContents = new FakeWebContents();
    loadedUrl?: string;
    constructor(readonly options: Record<string, unknown>) {
      super();
      calls.push('BrowserWindow');
      windows.push(this);
    }
    loadURL(url: string) {
      this.loadedUrl = url;
      return Promise.resolve();
    }
    isDestroyed() {
      return false;
    }
    show() {}
    maximize() {}
    isMaximized() {
      return false;
    }
    getNormalBounds() {
      return { x: 10, y: 10, width: 900, height: 600 };
    }
  }

  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const listeners = new Map<string, (event: unknown, ...args: unknown[]) => void>();
  const protocolHandlers = new Map<string, (request: Request) => Promise<Response>>();
  const session = {
    permissionRequest: undefined as
      undefined | ((wc: unknown, permission: string, cb: (granted: boolean) => void) => void),
    permissionCheck: undefined as undefined | ((...args: unknown[]) => boolean),
    devicePermission: undefined as undefined | ((...args: unknown[]) => boolean),
    headers: undefined as
      | undefined
      | ((
          details: { responseHeaders?: Record<string, string[]> },
          cb: (r: { responseHeaders?: Record<string, string[]> }) => void,
        ) => void),
  };
  const opened: string[] = [];
  const schemes: unknown[] = [];

  const electron = {
    app: new FakeApp(),
    BrowserWindow: FakeBrowserWindow,
    ipcMain: {
      handle: (channel: string, listener: (event: unknown, ...args: unknown[]) => unknown) =>
        handlers.set(channel, listener),
      removeHandler: (channel: string) => handlers.delete(channel),
      on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) => listeners.set(channel, listener),
      removeListener: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) => {
        if (listeners.get(channel) === listener) listeners.delete(channel);
      },
    },
    nativeTheme: { shouldUseDarkColors: false },
    net: {
      fetch: async (url: string) => {
        const { readFile } = require('node:fs/promises') as typeof import('node:fs/promises');
        const { fileURLToPath: toPath } = require('node:url') as typeof import('node:url');
        return new Response(await readFile(toPath(url)), { headers: { 'content-type': 'text/html' } });
      },
    },
    protocol: {
      registerSchemesAsPrivileged: (list: unknown[]) => {
        calls.push('registerSchemesAsPrivileged');
        schemes.push(...list);
      },
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) => {
        calls.push(`protocol.handle:${scheme}`);
        protocolHandlers.set(scheme, handler);
      },
    },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }] },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: typeof session.permissionRequest) => (session.permissionRequest = h),
        setPermissionCheckHandler: (h: typeof session.permissionCheck) => (session.permissionCheck = h),
        setDevicePermissionHandler: (h: typeof session.devicePermission) => (session.devicePermission = h),
        webRequest: { onHeadersReceived: (h: typeof session.headers) => (session.headers = h) },
      },
    },
    shell: {
      openExternal: async (url: string) => {
        opened.push(url);
      },
    },
  };
  return {
    calls,
    electron,
    windows,
    handlers,
    listeners,
    protocolHandlers,
    session,
    opened,
    schemes,
    resolveReady,
    FakeWebContents,
  };
});

vi.mock('electron', () => fake.electron);

const userData = mkdtempSync(path.join(tmpdir(), 'sockpit-main-glue-'));
process.env.SOCKPIT_USER_DATA = userData;
afterAll(() => {
  rmSync(userData, { recursive: true, force: true });
});

const ROOT = path.join(__dirname, '..', '..');

async function ready(): Promise<void> {
  fake.resolveReady();
  await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('main.ts wiring (against a stand-in electron module)', () => {
  it('before ready: a test profile, the sandbox for every renderer, the app:// scheme, the single-instance lock — no window yet', async () => {
    await import('../../electron/main');
    expect(fake.calls).toEqual([
      'setPath:userData',
      'enableSandbox',
      'registerSchemesAsPrivileged',
      'requestSingleInstanceLock',
    ]);
    expect(fake.electron.app.getPath('userData')).toBe(userData);
    expect(fake.schemes).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
    expect(fake.windows).toHaveLength(0);
  });

  it('on ready: the protocol, then one hardened window loading app://bundle/index.html', async () => {
    await ready();
    expect(fake.calls.slice(4)).toEqual(['protocol.handle:app', 'BrowserWindow']);
    const [win] = fake.windows;
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      devTools: true,
    });
    expect((win.options.webPreferences as { preload: string }).preload).toMatch(/preload[\\/]index\.js$/);
    expect(win.loadedUrl).toBe('app://bundle/index.html');
  });

  it('denies every permission and adds the CSP header', () => {
    const granted: boolean[] = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read'])
      fake.session.permissionRequest?.({}, permission, (g) => granted.push(g));
    expect(granted).toEqual([false, false, false, false]);
    expect(fake.session.permissionCheck?.({}, 'media', 'app://bundle', {})).toBe(false);
    expect(fake.session.devicePermission?.({})).toBe(false);
    let headers: Record<string, string[]> | undefined;
    fake.session.headers?.(
      { responseHeaders: { 'content-type': ['text/html'] } },
      (r) => (headers = r.responseHeaders),
    );
    expect(headers).toEqual({ 'content-type': ['text/html'], 'Content-Security-Policy': [CSP] });
  });

  it('serves bundle files with the CSP, and refuses other hosts, escapes, directories and writes', async () => {
    const handle = fake.protocolHandlers.get('app');
    if (!handle) throw new Error('no app: handler');
    const ok = await handle(new Request('app://bundle/index.html'));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toBe(CSP);
    expect(ok.headers.get('x-content-type-options')).toBe('nosniff');
    // In this test main.ts runs from electron/, so "../renderer" is the renderer's source folder.
    expect(await ok.text()).toBe(readFileSync(path.join(ROOT, 'renderer', 'index.html'), 'utf8'));
    expect((await handle(new Request('app://bundle/..%2f..%2fpackage.json'))).status).toBe(400);
    expect((await handle(new Request('app://evil/index.html'))).status).toBe(404);
    expect((await handle(new Request('app://bundle/src/'))).status).toBe(404);
    expect((await handle(new Request('app://bundle/missing.js'))).status).toBe(404);
    expect((await handle(new Request('app://bundle/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);
  });

  it('hardens every web contents: navigation, popups, external links, webviews', async () => {
    const contents = new fake.FakeWebContents();
    fake.electron.app.emit('web-contents-created', {}, contents);
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      const blocked = { url: 'https://evil.example/', preventDefault: vi.fn() };
      contents.emit(event, blocked);
      expect(blocked.preventDefault, event).toHaveBeenCalled();
      const allowed = { url: 'app://bundle/index.html#x', preventDefault: vi.fn() };
      contents.emit(event, allowed);
      expect(allowed.preventDefault, event).not.toHaveBeenCalled();
    }
    expect(contents.windowOpenHandler?.({ url: 'https://example.org/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'ms-msdt:/id PCWDiagnostic' })).toEqual({ action: 'deny' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(fake.opened).toEqual(['https://example.org/']);
    const webview = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', webview);
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('answers IPC only from the window main frame, and streams engine events to that window as batches it must acknowledge', async () => {
    const execute = fake.handlers.get(IPC_CHANNELS.execute);
    const ack = fake.listeners.get(IPC_CHANNELS.ack);
    if (!execute || !ack) throw new Error('no execute handler or ack listener');
    const [win] = fake.windows;
    const trusted = { senderFrame: win.webContents.mainFrame };
    const batches = () =>
      win.webContents.sent
        .filter(([channel]) => channel === IPC_CHANNELS.batch)
        .map(([, bytes]) => decodeBatch(bytes as Uint8Array));
    expect(await execute({ senderFrame: null }, { type: 'session.list' })).toMatchObject({
      ok: false,
      error: { code: 'E_SENDER' },
    });
    expect(await execute({ senderFrame: { url: 'app://bundle/index.html' } }, { type: 'session.list' })).toMatchObject({
      ok: false,
      error: { code: 'E_SENDER' },
    });
    const created = await execute(trusted, {
      type: 'session.create',
      config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 },
    });
    expect(created).toMatchObject({ ok: true, value: { sessionId: 's1' } });
    await expect
      .poll(() =>
        batches()
          .flatMap((batch) => batch?.header.events ?? [])
          .map((e) => e.type),
      )
      .toContain('session.added');

    // Unacknowledged, the window closes after MAX_UNACKED_BATCHES batches however much happens.
    for (let i = 0; i < MAX_UNACKED_BATCHES + 2; i++) {
      await execute(trusted, { type: 'session.rename', sessionId: 's1', name: `renamed ${i}` });
      await new Promise((resolve) => setTimeout(resolve, 2 * BATCH_INTERVAL_MS));
    }
    expect(batches()).toHaveLength(MAX_UNACKED_BATCHES);
    expect(batches().every((batch) => batch !== undefined)).toBe(true);
    // Only our main frame may open it again.
    ack({ senderFrame: { url: 'app://bundle/index.html' } }, MAX_UNACKED_BATCHES);
    await new Promise((resolve) => setTimeout(resolve, 3 * BATCH_INTERVAL_MS));
    expect(batches()).toHaveLength(MAX_UNACKED_BATCHES);
    ack(trusted, MAX_UNACKED_BATCHES);
    await expect.poll(() => batches().length).toBe(MAX_UNACKED_BATCHES + 1);
    const names = () =>
      batches()
        .flatMap((batch) => batch?.header.events ?? [])
        .flatMap((e) => (e.type === 'session.state' ? [e.session.name] : []));
    expect(names().at(-1)).toBe(`renamed ${MAX_UNACKED_BATCHES + 1}`);

    // A reloaded page never acknowledges what went to the old one: its dom-ready opens the window again.
    for (let i = 0; i < MAX_UNACKED_BATCHES + 2; i++) {
      await execute(trusted, { type: 'session.rename', sessionId: 's1', name: `again ${i}` });
      await new Promise((resolve) => setTimeout(resolve, 2 * BATCH_INTERVAL_MS));
    }
    expect(batches()).toHaveLength(2 * MAX_UNACKED_BATCHES);
    win.webContents.emit('dom-ready');
    await expect.poll(() => names().at(-1)).toBe(`again ${MAX_UNACKED_BATCHES + 1}`);

    const started = await execute(
      { senderFrame: win.webContents.mainFrame },
      { type: 'session.start', sessionId: 's1' },
    );
    expect(started).toMatchObject({ ok: true, value: { state: 'listening' } });
  });

  it('quitting waits for the sockets to close, then quits for real; closing the window quits', async () => {
    const [win] = fake.windows;
    const execute = fake.handlers.get(IPC_CHANNELS.execute);
    if (!execute) throw new Error('no execute handler');
    const quitsBefore = fake.electron.app.quitCalls;
    const first = { preventDefault: vi.fn() };
    fake.electron.app.emit('before-quit', first);
    expect(first.preventDefault).toHaveBeenCalled();
    // A second request while closing is held too, and does not start a second shutdown.
    const again = { preventDefault: vi.fn() };
    fake.electron.app.emit('before-quit', again);
    expect(again.preventDefault).toHaveBeenCalled();
    await expect.poll(() => fake.electron.app.quitCalls).toBe(quitsBefore + 1);
    // The workspace in userData was written before the sockets closed: it still says the session was running.
    const saved = JSON.parse(readFileSync(path.join(userData, 'workspace.json'), 'utf8')) as {
      sessions: Array<{ id: string; name: string; wasRunning: boolean }>;
    };
    expect(saved.sessions).toMatchObject([{ id: 's1', name: `again ${MAX_UNACKED_BATCHES + 1}`, wasRunning: true }]);
    // The listener is gone before the real quit: the engine has no running session left.
    const listed = (await execute({ senderFrame: win.webContents.mainFrame }, { type: 'session.list' })) as {
      value: Array<{ state: string }>;
    };
    expect(listed.value.every((s) => s.state === 'idle')).toBe(true);
    const last = { preventDefault: vi.fn() };
    fake.electron.app.emit('before-quit', last);
    expect(last.preventDefault).not.toHaveBeenCalled();

    fake.electron.app.emit('window-all-closed');
    expect(fake.electron.app.quitCalls).toBe(quitsBefore + 2);
    win.emit('closed');
    expect(fake.handlers.has(IPC_CHANNELS.execute)).toBe(false);
    expect(fake.listeners.has(IPC_CHANNELS.ack)).toBe(false);
  });
});
