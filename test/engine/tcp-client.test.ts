import { execFileSync } from 'node:child_process';
import { createServer, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent, SessionInfo } from '../../shared/contract';
import { Harness, until } from '../helpers/harness';
import { needs } from '../helpers/peers';
import { startPythonProgram, stopAll } from '../helpers/processes';

type StateEvent = Extract<EngineEvent, { type: 'session.state' }>;
type Closed = Extract<EngineEvent, { type: 'connection.closed' }>;
type Exchange = Extract<EngineEvent, { type: 'exchange' }>;

let h: Harness;
const cleanups: Array<() => void> = [];
afterEach(async () => {
  await h?.close();
  while (cleanups.length) cleanups.pop()!();
  await stopAll();
});

/** A port that nothing listens on (bound, read, released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function states(sessionId: string): SessionInfo['state'][] {
  return h.events
    .filter((e): e is StateEvent => e.type === 'session.state' && e.session.sessionId === sessionId)
    .map((e) => e.session.state);
}

/** Tutorial-style servers, run as python3 programs. */
const PY_UPPER_ECHO_FOREVER = `
import socket
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", 0))
server.listen(5)
server.settimeout(15)
print(server.getsockname()[1], flush=True)
while True:
    conn, addr = server.accept()
    conn.settimeout(10)
    print("from", addr[1], flush=True)
    data = conn.recv(1024)
    conn.sendall(data.upper())
    # keep the connection open until the client hangs up, like a chat server
    while conn.recv(1024):
        pass
    conn.close()
`;

const PY_READ_TO_EOF_THEN_ANSWER = `
import socket
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(1)
server.settimeout(15)
print(server.getsockname()[1], flush=True)
conn, addr = server.accept()
conn.settimeout(10)
received = b""
while True:
    chunk = conn.recv(1024)
    if not chunk:
        break
    received += chunk
conn.sendall(("got %d bytes" % len(received)).encode())
conn.close()
`;

describe('TCP client session', () => {
  it('connects to a python server, sends, receives, and reports the peer closing', async () => {
    h = new Harness();
    const server = startPythonProgram(PY_UPPER_ECHO_FOREVER);
    const port = Number((await server.waitForLine(/^(\d+)$/))[1]);
    const client = await h.start({ kind: 'tcp-client', host: '127.0.0.1', port });
    const [info] = await h.run({ type: 'session.list' });
    expect(info).toMatchObject({ state: 'connected', remote: `127.0.0.1:${port}` });
    expect(info.local).toMatch(/^127\.0\.0\.1:\d+$/);
    await h.run({ type: 'send', sessionId: client.id, payload: { data: 'hello\\n', escapes: true } });
    expect((await h.waitForBytes(client.id, 'rx', 6)).toString()).toBe('HELLO\n');
    expect(h.bytes(client.id, 'tx').toString('hex')).toBe('68656c6c6f0a');
    server.process.kill();
    const closed = await h.waitFor((e): e is Closed => e.type === 'connection.closed');
    expect(['peer-closed', 'reset']).toContain(closed.reason);
    await until(() => states(client.id).at(-1) === 'idle', 3000, 'idle');
  });

  it('nothing listening: fails in plain words and touches no other state', async () => {
    h = new Harness();
    const port = await closedPort();
    const created = await h.run({ type: 'session.create', config: { kind: 'tcp-client', host: '127.0.0.1', port } });
    const started = await h.engine.run({ type: 'session.start', sessionId: created.sessionId });
    expect(started).toMatchObject({
      ok: false,
      error: { code: 'ECONNREFUSED', message: `Nothing is listening on 127.0.0.1:${port}.`, hint: expect.any(String) },
    });
    expect(states(created.sessionId)).toEqual(['connecting', 'failed']);
    expect(h.events.some((e) => e.type === 'error' && e.error.code === 'ECONNREFUSED')).toBe(true);
  });

  it('a name that resolves to several addresses reports every attempt (AggregateError)', async () => {
    h = new Harness();
    const port = await closedPort();
    const created = await h.run({ type: 'session.create', config: { kind: 'tcp-client', host: 'localhost', port } });
    const started = await h.engine.run({ type: 'session.start', sessionId: created.sessionId });
    expect(started.ok).toBe(false);
    if (started.ok) return;
    expect(started.error.code).toBe('ECONNREFUSED');
    expect(started.error.message).toContain(`localhost:${port}`);
    for (const attempt of started.error.attempts ?? []) expect(attempt.code).toBe('ECONNREFUSED');
  });

  it('an unknown host name is ENOTFOUND, explained', async () => {
    h = new Harness();
    const created = await h.run({
      type: 'session.create',
      config: { kind: 'tcp-client', host: 'no-such-host.invalid', port: 80 },
    });
    const started = await h.engine.run({ type: 'session.start', sessionId: created.sessionId });
    expect(started).toMatchObject({
      ok: false,
      error: { code: 'ENOTFOUND', message: expect.stringContaining('no-such-host.invalid') },
    });
  });

  it('enforces its own connect timeout against a server whose accept queue is full', async () => {
    h = new Harness();
    // listen(0) and never accept: once the queue is full, the kernel drops further SYNs and a connect hangs.
    const server = startPythonProgram(`
import socket, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(0)
print(s.getsockname()[1], flush=True)
time.sleep(20)
`);
    const port = Number((await server.waitForLine(/^(\d+)$/))[1]);
    const fillers: Socket[] = [];
    for (let i = 0; i < 4; i++) {
      const s = new Socket();
      s.on('error', () => {});
      s.connect(port, '127.0.0.1');
      fillers.push(s);
    }
    cleanups.push(() => fillers.forEach((s) => s.destroy()));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const created = await h.run({
      type: 'session.create',
      config: { kind: 'tcp-client', host: '127.0.0.1', port, connectTimeoutMs: 500 },
    });
    const began = performance.now();
    const started = await h.engine.run({ type: 'session.start', sessionId: created.sessionId });
    const took = performance.now() - began;
    expect(started).toMatchObject({
      ok: false,
      error: { code: 'ETIMEDOUT', message: expect.stringContaining(`127.0.0.1:${port}`) },
    });
    expect(took).toBeGreaterThanOrEqual(450);
    expect(took).toBeLessThan(3000);
  });

  it('auto-reconnect retries the set number of times, then fails', async () => {
    h = new Harness();
    const port = await closedPort();
    const created = await h.run({
      type: 'session.create',
      config: { kind: 'tcp-client', host: '127.0.0.1', port, reconnect: { intervalMs: 100, maxAttempts: 2 } },
    });
    await h.run({ type: 'session.start', sessionId: created.sessionId });
    await until(() => states(created.sessionId).at(-1) === 'failed', 5000, 'failed');
    expect(states(created.sessionId)).toEqual([
      'connecting',
      'reconnecting',
      'reconnecting',
      'reconnecting',
      'reconnecting',
      'failed',
    ]);
    expect(h.events.filter((e) => e.type === 'error' && e.error.code === 'ECONNREFUSED')).toHaveLength(3);
  });

  it('auto-reconnect connects once the server appears, and again after the server drops it', async () => {
    h = new Harness();
    const port = await closedPort();
    const created = await h.run({
      type: 'session.create',
      config: { kind: 'tcp-client', host: '127.0.0.1', port, reconnect: { intervalMs: 100, maxAttempts: 0 } },
    });
    await h.run({ type: 'session.start', sessionId: created.sessionId });
    await until(() => states(created.sessionId).includes('reconnecting'), 3000, 'reconnecting');
    const serverHarness = new Harness();
    cleanups.push(() => void serverHarness.close());
    const server = await serverHarness.start({ kind: 'tcp-server', host: '127.0.0.1', port });
    await until(() => states(created.sessionId).at(-1) === 'connected', 3000, 'connected');
    await serverHarness.run({ type: 'connection.close', sessionId: server.id });
    await h.waitFor((e): e is Closed => e.type === 'connection.closed' && e.reason === 'peer-closed');
    await until(() => h.events.filter((e) => e.type === 'connection.opened').length === 2, 3000, 'second connection');
    expect(states(created.sessionId).at(-1)).toBe('connected');
  });

  it('half-close sends FIN and keeps reading the answer', async () => {
    h = new Harness();
    const server = startPythonProgram(PY_READ_TO_EOF_THEN_ANSWER);
    const port = Number((await server.waitForLine(/^(\d+)$/))[1]);
    const client = await h.start({ kind: 'tcp-client', host: '127.0.0.1', port, allowHalfOpen: true });
    await h.run({ type: 'send', sessionId: client.id, payload: { data: 'abcdef' } });
    await h.run({ type: 'connection.halfClose', sessionId: client.id });
    await h.waitFor((e) => e.type === 'connection.halfClosed' && e.by === 'us');
    expect((await h.waitForBytes(client.id, 'rx', 11)).toString()).toBe('got 6 bytes');
    const late = await h.engine.run({ type: 'send', sessionId: client.id, payload: { data: 'more' } });
    expect(late.ok).toBe(false);
    const closed = await h.waitFor((e): e is Closed => e.type === 'connection.closed');
    expect(closed.reason).toBe('peer-closed');
  });

  it('short-connection mode: every send is its own exchange (connect, send, collect, close)', async () => {
    h = new Harness();
    const server = startPythonProgram(PY_UPPER_ECHO_FOREVER);
    const port = Number((await server.waitForLine(/^(\d+)$/))[1]);
    const client = await h.start({
      kind: 'tcp-client',
      host: '127.0.0.1',
      port,
      mode: 'short',
      shortIdleMs: 100,
      shortTimeoutMs: 3000,
    });
    expect(states(client.id).at(-1)).toBe('ready');
    const first = h.run({ type: 'send', sessionId: client.id, payload: { data: 'one' } });
    const second = h.run({ type: 'send', sessionId: client.id, payload: { data: 'two' } });
    await Promise.all([first, second]);
    await until(() => h.events.filter((e) => e.type === 'exchange').length === 2, 5000, 'two exchanges');
    const exchanges = h.events.filter((e): e is Exchange => e.type === 'exchange').map((e) => e.exchange);
    expect(exchanges.map((x) => x.end)).toEqual(['idle', 'idle']);
    expect(exchanges.map((x) => [x.bytesSent, x.bytesReceived])).toEqual([
      [3, 3],
      [3, 3],
    ]);
    expect(exchanges[0].connectionId).not.toBe(exchanges[1].connectionId);
    expect(h.bytes(client.id, 'rx', exchanges[0].connectionId!).toString()).toBe('ONE');
    expect(h.bytes(client.id, 'rx', exchanges[1].connectionId!).toString()).toBe('TWO');
    // python printed one "from <port>" per accepted connection: two rounds, two connections.
    await until(() => server.stdout().split('from').length - 1 === 2, 2000, 'two accepts');
    expect(states(client.id).at(-1)).toBe('ready');
  });

  it('short-connection mode without a reply ends the exchange at the timeout', async () => {
    h = new Harness();
    const silent = new Harness();
    cleanups.push(() => void silent.close());
    const server = await silent.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const client = await h.start({
      kind: 'tcp-client',
      host: '127.0.0.1',
      port: server.port,
      mode: 'short',
      shortIdleMs: 50,
      shortTimeoutMs: 300,
    });
    await h.run({ type: 'send', sessionId: client.id, payload: { data: 'anyone?' } });
    const exchange = await h.waitFor((e): e is Exchange => e.type === 'exchange', 3000);
    expect(exchange.exchange).toMatchObject({ end: 'timeout', bytesSent: 7, bytesReceived: 0 });
    expect(exchange.exchange.durationMs).toBeGreaterThanOrEqual(280);
    await silent.waitForBytes(server.id, 'rx', 7);
  });

  it('binds the chosen local address and port', async () => {
    h = new Harness();
    const server = await h.start({ kind: 'tcp-server', host: '0.0.0.0', port: 0 });
    const localPort = await closedPort();
    const client = await h.start({
      kind: 'tcp-client',
      host: '127.0.0.1',
      port: server.port,
      localHost: '127.0.0.2',
      localPort,
    });
    const opened = await h.waitFor((e) => e.type === 'connection.opened' && e.connection.sessionId === server.id);
    expect(opened.type === 'connection.opened' && opened.connection.peer).toBe(`127.0.0.2:${localPort}`);
    const [info] = (await h.run({ type: 'session.list' })).filter((s) => s.sessionId === client.id);
    expect(info.local).toBe(`127.0.0.2:${localPort}`);
  });

  it('turns on TCP keep-alive when asked (the kernel shows the keepalive timer)', async (ctx) => {
    needs(ctx, 'ss');
    h = new Harness();
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const client = await h.start({
      kind: 'tcp-client',
      host: '127.0.0.1',
      port: server.port,
      keepAlive: true,
      keepAliveInitialDelayMs: 30_000,
    });
    const [info] = (await h.run({ type: 'session.list' })).filter((s) => s.sessionId === client.id);
    const localPort = info.local!.split(':').at(-1);
    const ss = execFileSync('ss', ['-tnoH', 'state', 'established', `( sport = :${localPort} )`], { encoding: 'utf8' });
    expect(ss).toMatch(/timer:\(keepalive/);
  });

  it('connects over IPv6 to [::1]', async () => {
    h = new Harness();
    const server = await h.start({ kind: 'tcp-server', host: '::1', port: 0 });
    const client = await h.start({ kind: 'tcp-client', host: '::1', port: server.port });
    await h.run({ type: 'send', sessionId: client.id, payload: { mode: 'hex', data: 'de ad be ef' } });
    expect((await h.waitForBytes(server.id, 'rx', 4)).toString('hex')).toBe('deadbeef');
    const [info] = (await h.run({ type: 'session.list' })).filter((s) => s.sessionId === client.id);
    expect(info.remote).toBe(`[::1]:${server.port}`);
  });

  it('stopping a connected client closes its connection as local-closed; the server sees FIN', async () => {
    h = new Harness();
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const client = await h.start({ kind: 'tcp-client', host: '127.0.0.1', port: server.port });
    await h.run({ type: 'session.stop', sessionId: client.id });
    const mine = await h.waitFor(
      (e): e is Closed => e.type === 'connection.closed' && e.connection.sessionId === client.id,
    );
    expect(mine.reason).toBe('local-closed');
    const theirs = await h.waitFor(
      (e): e is Closed => e.type === 'connection.closed' && e.connection.sessionId === server.id,
    );
    expect(theirs.reason).toBe('peer-closed');
  });

  it('a raw peer that resets shows up as "reset" on the client', async () => {
    h = new Harness();
    const server = createServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => server.close());
    const { port } = server.address() as { port: number };
    const client = await h.start({ kind: 'tcp-client', host: '127.0.0.1', port });
    await h.run({ type: 'send', sessionId: client.id, payload: { data: 'x' } });
    const closed = await h.waitFor((e): e is Closed => e.type === 'connection.closed');
    expect(closed.reason).toBe('reset');
    expect(closed.error?.code).toBe('ECONNRESET');
    expect(closed.error?.message).toMatch(/reset/);
  });
});
