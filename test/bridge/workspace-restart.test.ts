import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionInfo, WorkspaceState } from '../../shared/contract';
import { ROOT, startPeer, startProgram, stopAll, type Child } from '../helpers/processes';
import { makeRendererDir, TabClient } from './helpers';

// The restart: a session made, configured and started through the bridge as the page does it, the bridge
// stopped with Ctrl+C and started again on the same data folder. Real processes, real files, real sockets.

const URL_LINE = /^Sockpit is running in your browser at http:\/\/127\.0\.0\.1:(\d+)\/#token=([A-Za-z0-9_-]+)$/;

const temp: Array<() => void> = [];
afterEach(async () => {
  await stopAll();
  for (const cleanup of temp.splice(0)) cleanup();
});

function launch(dataDir: string, rendererDir: string, args: string[] = []): Child {
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0', SOCKPIT_RENDERER_DIR: rendererDir };
  delete env.SOCKPIT_BRIDGE_PORT;
  delete env.SOCKPIT_DATA_DIR;
  return startProgram(
    process.execPath,
    [path.join(ROOT, 'bin', 'web.cjs'), '--data-dir', dataDir, ...args],
    undefined,
    {
      cwd: ROOT,
      env,
    },
  );
}

async function connect(child: Child): Promise<{ port: number; tab: TabClient }> {
  const [, portText, token] = await child.waitForLine(URL_LINE, 20_000);
  const port = Number(portText);
  return { port, tab: await TabClient.open(port, token, { origin: `http://127.0.0.1:${port}` }) };
}

const RULES = {
  version: 1,
  match: 'first',
  rules: [{ name: 'ping', when: { kind: 'exact', text: 'PING' }, reply: { data: 'PONG\n' } }],
};
const FRAMING = { mode: 'delimiter', delimiter: '0A', keep: false, maxBytes: 4096 };

describe('the workspace across a restart of the bridge', () => {
  it('brings the session back with its id, name and every setting, stopped; Start all starts it; same address', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sockpit-restart-'));
    const ui = makeRendererDir();
    temp.push(() => rmSync(dataDir, { recursive: true, force: true }), ui.cleanup);
    const captureFile = path.join(dataDir, 'plc.log');

    const first = launch(dataDir, ui.rendererDir);
    const { port, tab } = await connect(first);
    const created = await tab.ok<SessionInfo>({
      type: 'session.create',
      name: 'PLC listener',
      config: {
        kind: 'tcp-server',
        host: '127.0.0.1',
        port: 0,
        maxClients: 3,
        idleTimeoutMs: 60_000,
        greeting: { mode: 'text', data: 'hello\n' },
        framing: FRAMING,
      },
    });
    await tab.ok({ type: 'rules.set', sessionId: created.sessionId, rules: RULES });
    await tab.ok({ type: 'capture.file.start', sessionId: created.sessionId, path: captureFile, format: 'raw' });
    await tab.ok({ type: 'workspace.ui', ui: { theme: 'dark', views: { [created.sessionId]: { viewMode: 'hex' } } } });
    const started = await tab.ok<SessionInfo>({ type: 'session.start', sessionId: created.sessionId });
    const firstPort = Number(/:(\d+)$/.exec(started.local ?? '')?.[1]);
    // A tutorial client says PING and reads the greeting and the rule's answer: the capture file gets the PING.
    const asked = startPeer('ask_tcp_client.py', ['127.0.0.1', firstPort, 1, 2, 'PING\n']);
    const askedEnd = await asked.exited();
    expect(askedEnd.stdout).toContain('PONG');
    await tab.close();

    first.process.kill('SIGINT');
    const firstEnd = await first.exited();
    expect(firstEnd.code, firstEnd.stderr).toBe(0);
    expect(readFileSync(captureFile, 'utf8')).toBe('PING\n');
    // Only the workspace, the remembered port and the capture: no temp file survives a clean stop.
    expect(readdirSync(dataDir).sort()).toEqual(['bridge.json', 'plc.log', 'workspace.json']);
    expect(JSON.parse(readFileSync(path.join(dataDir, 'bridge.json'), 'utf8'))).toEqual({ port });

    const second = launch(dataDir, ui.rendererDir);
    const again = await connect(second);
    expect(again.port).toBe(port);
    const state = await again.tab.ok<WorkspaceState>({ type: 'workspace.get' });
    expect(state.path).toBe(path.join(dataDir, 'workspace.json'));
    expect(state.problem).toBeUndefined();
    expect(state.toStart).toEqual([created.sessionId]);
    expect(state.document.ui).toEqual({ theme: 'dark', views: { [created.sessionId]: { viewMode: 'hex' } } });
    const [session] = state.document.sessions;
    expect(session).toMatchObject({
      id: created.sessionId,
      name: 'PLC listener',
      config: {
        kind: 'tcp-server',
        host: '127.0.0.1',
        maxClients: 3,
        idleTimeoutMs: 60_000,
        greeting: { mode: 'text', data: 'hello\n' },
        framing: FRAMING,
      },
      rules: { rules: [{ name: 'ping', when: { kind: 'exact', text: 'PING' } }] },
      captureFile: { path: captureFile, format: 'raw' },
    });
    const listed = await again.tab.ok<SessionInfo[]>({ type: 'session.list' });
    expect(listed.map((s) => [s.sessionId, s.name, s.state, s.captureFile?.state])).toEqual([
      [created.sessionId, 'PLC listener', 'idle', 'writing'],
    ]);

    const all = await again.tab.ok<{ started: string[] }>({ type: 'session.startAll' });
    expect(all.started).toEqual([created.sessionId]);
    const relisted = await again.tab.ok<SessionInfo[]>({ type: 'session.list' });
    expect(relisted[0]?.state).toBe('listening');
    // It listens and answers by its rules again; the capture file goes on after what it had.
    const secondPort = Number(/:(\d+)$/.exec(relisted[0]?.local ?? '')?.[1]);
    const askedAgain = startPeer('ask_tcp_client.py', ['127.0.0.1', secondPort, 1, 2, 'PING\n']);
    expect((await askedAgain.exited()).stdout).toContain('PONG');
    await again.tab.close();
    second.process.kill('SIGINT');
    expect((await second.exited()).code).toBe(0);
    expect(readFileSync(captureFile, 'utf8')).toBe('PING\nPING\n');
    expect(existsSync(path.join(dataDir, 'workspace.json'))).toBe(true);
  }, 60_000);

  it('takes another port and says so in one line when the remembered one is taken; --port wins', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sockpit-restart-'));
    const ui = makeRendererDir();
    temp.push(() => rmSync(dataDir, { recursive: true, force: true }), ui.cleanup);
    const first = launch(dataDir, ui.rendererDir);
    const { port, tab } = await connect(first);
    await tab.close();
    // The first bridge still holds its port when the second one starts.
    const second = launch(dataDir, ui.rendererDir);
    const other = await connect(second);
    expect(other.port).not.toBe(port);
    const secondEnd = (second.process.kill('SIGINT'), await second.exited());
    expect(secondEnd.stderr).toContain(
      `Sockpit: port ${port}, used last time, is taken now; this time the address uses port ${other.port}.`,
    );
    first.process.kill('SIGINT');
    await first.exited();

    const third = launch(dataDir, ui.rendererDir, ['--port', '0']);
    const chosen = await connect(third);
    expect(chosen.port).not.toBe(other.port);
    await chosen.tab.close();
    third.process.kill('SIGINT');
    expect((await third.exited()).stderr).not.toContain('used last time');
  }, 60_000);
});
