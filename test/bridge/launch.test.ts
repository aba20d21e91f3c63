import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultDataDir } from '../../bridge/data-dir';
import { DEFAULT_RENDERER_DIR, parseBridgeArgs } from '../../bridge/main';
import { ROOT, startProgram, stopAll, type Child } from '../helpers/processes';
import {
  httpGet,
  makeRendererDir,
  rawRequest,
  TabClient,
  UI_MARKER,
  upgradeRequest,
  type RendererFixture,
} from './helpers';

// The two ways a person starts the bridge: `npm run web` (bin/web.cjs) and `npm start` on a machine
// without the Electron binary (bin/start.cjs), both run as real child processes.

const { findElectronBinary } = require(path.join(ROOT, 'bin', 'lib', 'electron-binary.cjs')) as {
  findElectronBinary(options?: { env?: NodeJS.ProcessEnv; root?: string }): { path: string } | { missing: string };
};

const URL_LINE = /^Sockpit is running in your browser at (http:\/\/127\.0\.0\.1:(\d+)\/#token=([A-Za-z0-9_-]+))$/;

const temp: Array<() => void> = [];
afterEach(async () => {
  await stopAll();
  for (const cleanup of temp.splice(0)) cleanup();
});

function fixture(): RendererFixture {
  const made = makeRendererDir();
  temp.push(made.cleanup);
  return made;
}

function launch(script: 'web.cjs' | 'start.cjs', args: string[], env: NodeJS.ProcessEnv): Child {
  // Its own workspace folder: a test never reads or writes the workspace of the person running it.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sockpit-launch-data-'));
  temp.push(() => rmSync(dataDir, { recursive: true, force: true }));
  return startProgram(process.execPath, [path.join(ROOT, 'bin', script), ...args], undefined, {
    cwd: ROOT,
    env: { ...process.env, FORCE_COLOR: '0', SOCKPIT_DATA_DIR: dataDir, ...env },
  });
}

function countOf(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

describe('finding the Electron binary without downloading it', () => {
  it('ELECTRON_BIN naming a missing file: missing, saying which file', () => {
    const result = findElectronBinary({ env: { ELECTRON_BIN: '/nonexistent/sockpit/electron' } });
    expect(result).toEqual({ missing: expect.stringContaining('/nonexistent/sockpit/electron') });
  });

  it('ELECTRON_BIN naming an existing file: that path', () => {
    expect(findElectronBinary({ env: { ELECTRON_BIN: process.execPath } })).toEqual({ path: process.execPath });
  });

  it('without ELECTRON_BIN: follows node_modules/electron/path.txt into dist/, and says what is missing', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'sockpit-electron-'));
    temp.push(() => rmSync(root, { recursive: true, force: true }));
    const pkg = path.join(root, 'node_modules', 'electron');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(path.join(pkg, 'package.json'), '{"name":"electron","version":"45.4.1"}');
    expect(findElectronBinary({ env: {}, root })).toEqual({ missing: expect.stringContaining('path.txt') });
    writeFileSync(path.join(pkg, 'path.txt'), 'electron');
    expect(findElectronBinary({ env: {}, root })).toEqual({
      missing: expect.stringContaining(path.join('dist', 'electron')),
    });
    mkdirSync(path.join(pkg, 'dist'));
    writeFileSync(path.join(pkg, 'dist', 'electron'), '');
    expect(findElectronBinary({ env: {}, root })).toEqual({ path: path.join(pkg, 'dist', 'electron') });
  });
});

describe('npm start without an Electron binary', () => {
  it('says so in one line, serves the UI in the browser instead, and exits 0 on SIGTERM', async () => {
    const ui = fixture();
    const child = launch('start.cjs', [], {
      ELECTRON_BIN: '/nonexistent/sockpit/electron',
      SOCKPIT_RENDERER_DIR: ui.rendererDir,
      SOCKPIT_BRIDGE_PORT: '0',
    });
    const [, , port, token] = await child.waitForLine(URL_LINE, 20_000);
    const lines = child.stdout().split('\n');
    expect(lines[0]).toMatch(
      /^Sockpit: the Electron binary is not installed here \(.*\/nonexistent\/sockpit\/electron.*\), so Sockpit opens in your browser instead\.$/,
    );
    const page = await httpGet(Number(port), '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain(UI_MARKER);

    child.process.kill('SIGTERM');
    const exit = await child.exited();
    expect(exit.code).toBe(0);
    expect(countOf(exit.stdout + exit.stderr, token!)).toBe(1);
  });
});

describe('npm run web', () => {
  it('prints the token once, in the URL line, whatever happens afterwards; Ctrl+C stops the sessions and exits 0', async () => {
    const ui = fixture();
    const child = launch('web.cjs', ['--port', '0'], { SOCKPIT_RENDERER_DIR: ui.rendererDir });
    const [, url, portText, token] = await child.waitForLine(URL_LINE, 20_000);
    const port = Number(portText);
    await child.waitForLine(/^Press Ctrl\+C to stop it/);

    // Everything that puts the token in a request: a good tab, a refused foreign page, a plain GET.
    const origin = `http://127.0.0.1:${port}`;
    const tab = await TabClient.open(port, token, { origin });
    const created = await tab.ok<{ sessionId: string }>({
      type: 'session.create',
      config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 },
    });
    const started = await tab.ok<{ local: string }>({ type: 'session.start', sessionId: created.sessionId });
    const sessionPort = Number(/:(\d+)$/.exec(started.local)?.[1]);
    expect(
      (
        await rawRequest(
          port,
          upgradeRequest({ host: `127.0.0.1:${port}`, path: `/ws?token=${token}`, origin: 'http://evil.example' }),
        )
      ).status,
    ).toBe(403);
    expect((await httpGet(port, `/ws?token=${token}`)).status).toBe(426);
    expect((await httpGet(port, `/index.html?token=${token}`)).status).toBe(200);

    child.process.kill('SIGINT');
    const exit = await child.exited();
    expect(exit.code).toBe(0);
    expect(exit.stderr).toMatch(/browser tab connected/);
    expect(exit.stderr).toMatch(/Refused a WebSocket connection/);
    const all = `${exit.stdout}${exit.stderr}`;
    expect(countOf(all, token!)).toBe(1);
    expect(exit.stdout.split('\n').filter((line) => line.includes(token!))).toEqual([
      `Sockpit is running in your browser at ${url}`,
    ]);
    expect(await tab.closed()).toBe(1001);

    // The TCP server the tab started is gone with the process.
    const refused = await new Promise<string | undefined>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: sessionPort });
      socket.once('connect', () => (socket.destroy(), resolve('connected')));
      socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code));
    });
    expect(refused).toBe('ECONNREFUSED');
  });

  it('a port in use is explained in plain words, exit 1, no stack trace', async () => {
    const ui = fixture();
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    temp.push(() => blocker.close());
    const port = (blocker.address() as { port: number }).port;
    const child = launch('web.cjs', ['--port', String(port)], { SOCKPIT_RENDERER_DIR: ui.rendererDir });
    const exit = await child.exited(20_000);
    expect(exit.code).toBe(1);
    expect(exit.stderr).toMatch(new RegExp(`Sockpit could not start the browser bridge: .*${port}.*already in use`));
    expect(exit.stderr).not.toMatch(/\n\s+at /);
    expect(exit.stdout).not.toMatch(/token=/);
  });

  it('refuses a non-loopback --host without --allow-remote, and a bad --port, with exit 1', async () => {
    const ui = fixture();
    const remote = await launch('web.cjs', ['--host', '0.0.0.0'], { SOCKPIT_RENDERER_DIR: ui.rendererDir }).exited(
      20_000,
    );
    expect(remote.code).toBe(1);
    expect(remote.stderr).toMatch(/--allow-remote/);
    const badPort = await launch('web.cjs', ['--port', '70000'], { SOCKPIT_RENDERER_DIR: ui.rendererDir }).exited(
      20_000,
    );
    expect(badPort.code).toBe(1);
    expect(badPort.stderr).toMatch(/--port must be a port number from 0 to 65535/);
  });
});

describe('bridge flags', () => {
  it('reads --port, --host, --allow-remote and the environment, and names what is wrong', () => {
    expect(parseBridgeArgs([], {})).toEqual({
      action: 'run',
      args: {
        port: 0,
        host: '127.0.0.1',
        allowRemote: false,
        rendererDir: DEFAULT_RENDERER_DIR,
        dataDir: defaultDataDir({}),
        portChosen: false,
        open: true,
      },
    });
    expect(DEFAULT_RENDERER_DIR).toBe(path.join(ROOT, 'out', 'renderer'));
    expect(parseBridgeArgs(['--port=5174', '--host', '::1'], { SOCKPIT_RENDERER_DIR: '/tmp/ui' })).toEqual({
      action: 'run',
      args: {
        port: 5174,
        host: '::1',
        allowRemote: false,
        rendererDir: path.resolve('/tmp/ui'),
        dataDir: defaultDataDir({}),
        portChosen: true,
        open: true,
      },
    });
    expect(parseBridgeArgs(['--data-dir', 'here', '--no-open'], { SOCKPIT_DATA_DIR: '/tmp/elsewhere' })).toMatchObject({
      args: { dataDir: path.resolve('here'), open: false },
    });
    expect(parseBridgeArgs([], { SOCKPIT_DATA_DIR: '/tmp/elsewhere', CI: 'true' })).toMatchObject({
      args: { dataDir: path.resolve('/tmp/elsewhere'), open: false },
    });
    expect(parseBridgeArgs(['--data-dir'], {})).toMatchObject({
      action: 'error',
      message: expect.stringMatching(/--data-dir needs a folder/),
    });
    expect(parseBridgeArgs(['--allow-remote', '--host', '0.0.0.0'], { SOCKPIT_BRIDGE_PORT: '8080' })).toMatchObject({
      args: { port: 8080, allowRemote: true },
    });
    expect(parseBridgeArgs(['--port', '1'], { SOCKPIT_BRIDGE_PORT: '8080' })).toMatchObject({ args: { port: 1 } });
    expect(parseBridgeArgs(['--port'], {})).toMatchObject({
      action: 'error',
      message: expect.stringMatching(/--port needs a number/),
    });
    expect(parseBridgeArgs(['--port', '-1'], {})).toMatchObject({ action: 'error' });
    expect(parseBridgeArgs([], { SOCKPIT_BRIDGE_PORT: 'abc' })).toMatchObject({
      action: 'error',
      message: expect.stringMatching(/SOCKPIT_BRIDGE_PORT/),
    });
    expect(parseBridgeArgs(['--nope'], {})).toMatchObject({
      action: 'error',
      message: expect.stringMatching(/Unknown option "--nope"/),
    });
    expect(parseBridgeArgs(['--help'], {})).toEqual({ action: 'help' });
  });
});
