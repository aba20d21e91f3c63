import { afterEach, describe, expect, it } from 'vitest';
import type { CaptureRecord, EngineEvent } from '../../shared/contract';
import { Harness, until } from '../helpers/harness';
import { needs } from '../helpers/peers';
import { startPeer, startPeerOnFreePort, startProgram, stopAll } from '../helpers/processes';

// Echo (auto-reply): every received chunk or datagram goes straight back to its sender and is recorded
// as a tx record like any send. Peers are python tutorial-style programs and socat.

type ErrorEvent = Extract<EngineEvent, { type: 'error' }>;
type Opened = Extract<EngineEvent, { type: 'connection.opened' }>;
const isOpened = (e: EngineEvent): e is Opened => e.type === 'connection.opened';

let h: Harness;
afterEach(async () => {
  await h?.close();
  await stopAll();
});

function records(sessionId: string): CaptureRecord[] {
  return h.records(sessionId);
}

/** Every rx record has a tx record with the same bytes, connection and peer, after it. */
function expectEachEchoed(sessionId: string): void {
  const all = records(sessionId);
  const rx = all.filter((r) => r.dir === 'rx');
  const tx = all.filter((r) => r.dir === 'tx');
  expect(tx.length).toBe(rx.length);
  const txByKey = new Map<string, CaptureRecord[]>();
  for (const record of tx) {
    const key = `${record.connectionId}/${record.peer}/${Buffer.from(record.bytes).toString('hex')}`;
    txByKey.set(key, [...(txByKey.get(key) ?? []), record]);
  }
  for (const record of rx) {
    const key = `${record.connectionId}/${record.peer}/${Buffer.from(record.bytes).toString('hex')}`;
    const echo = txByKey.get(key)?.shift();
    expect(echo, `no echo of rx #${record.seq}`).toBeDefined();
    expect(echo!.seq).toBeGreaterThan(record.seq);
  }
}

describe('echo on a TCP server', () => {
  it('sends each client exactly its own bytes back, recorded as tx with matching counters', async () => {
    h = new Harness();
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0, echo: true });
    const first = startPeer('echo_check_client.py', ['127.0.0.1', server.port, '你好，', 'Sockpit', ' 1']);
    const second = startPeer('echo_check_client.py', ['127.0.0.1', server.port, 'second client\r\n']);
    await Promise.all([first.exited(), second.exited()]);
    expect(first.stdout()).toContain('echoed: 你好，Sockpit 1\n');
    expect(second.stdout()).toContain('echoed: second client\r\n');

    await until(
      () =>
        records(server.id).filter((r) => r.dir === 'tx').length ===
        records(server.id).filter((r) => r.dir === 'rx').length,
    );
    expectEachEchoed(server.id);
    const stats = await h.run({ type: 'stats.get', sessionId: server.id });
    const expectedBytes = Buffer.byteLength('你好，Sockpit 1') + Buffer.byteLength('second client\r\n');
    expect(stats.counters).toMatchObject({ bytesIn: expectedBytes, bytesOut: expectedBytes });
    expect(stats.counters.packetsOut).toBe(stats.counters.packetsIn);
  });

  it('echoes a line from socat back to socat', async (ctx) => {
    needs(ctx, 'socat');
    h = new Harness();
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0, echo: true });
    const socat = startProgram('socat', ['-t', '2', '-', `TCP:127.0.0.1:${server.port}`], 'ping from socat\n');
    const result = await socat.exited();
    expect(result.stdout).toBe('ping from socat\n');
    expect(h.bytes(server.id, 'tx').toString()).toBe('ping from socat\n');
  });

  it('stops echoing, once and in words, to a client that does not read, and still receives everything', async () => {
    h = new Harness({ keepRecords: false });
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0, echo: true });
    const mib = 32;
    const peer = startPeer('never_reading_client.py', ['127.0.0.1', server.port, mib]);
    const done = await peer.exited(60_000);
    expect(done.code, done.stderr).toBe(0);
    const stopped = (await h.waitFor(
      (e): e is ErrorEvent => e.type === 'error' && e.error.code === 'E_ECHO_STOPPED',
    )) as ErrorEvent;
    expect(stopped.error.message).toMatch(/^Stopped echoing to 127\.0\.0\.1:\d+: it has not read/);
    expect(stopped.error.hint).toMatch(/still received and recorded/);
    expect(stopped.connectionId).toBeDefined();
    expect(h.events.filter((e) => e.type === 'error' && e.error.code === 'E_ECHO_STOPPED')).toHaveLength(1);

    const stats = await h.run({ type: 'stats.get', sessionId: server.id });
    expect(stats.counters.bytesIn).toBe(mib * 1024 * 1024);
    expect(stats.counters.bytesOut).toBeLessThan(stats.counters.bytesIn);
    // What the peer finally read is exactly what the tx records say went out.
    expect(done.stdout).toContain(`got back ${stats.counters.bytesOut} bytes`);
  });
});

describe('echo on a TCP client', () => {
  it('long mode: sends a server greeting straight back', async () => {
    h = new Harness();
    const { peer, port } = await startPeerOnFreePort('echo_expecting_server.py');
    const client = await h.start({ kind: 'tcp-client', host: '127.0.0.1', port, echo: true });
    await peer.exited();
    const greeting = Buffer.from('你好 device 42\r\n', 'utf8');
    expect(peer.stdout()).toContain(`got back hex: ${greeting.toString('hex')}\n`);
    await until(() => h.bytes(client.id, 'tx').length === greeting.length);
    expect(h.bytes(client.id, 'tx')).toEqual(greeting);
    expectEachEchoed(client.id);
  });

  it('short mode: the exchange echoes the reply while it is open, and the exchange still ends', async () => {
    h = new Harness();
    const server = startPeer('echo_expecting_server.py', [0, '--request']);
    const port = Number((await server.waitForLine(/listening on port (\d+)/))[1]);
    const created = await h.run({
      type: 'session.create',
      config: { kind: 'tcp-client', host: '127.0.0.1', port, mode: 'short', shortIdleMs: 200, echo: true },
    });
    await h.run({ type: 'session.start', sessionId: created.sessionId });
    await h.run({ type: 'send', sessionId: created.sessionId, payload: { data: 'status?' } });
    const exchange = (await h.waitFor((e) => e.type === 'exchange')) as Extract<EngineEvent, { type: 'exchange' }>;
    await server.exited();
    const greeting = Buffer.from('你好 device 42\r\n', 'utf8');
    expect(server.stdout()).toContain('request: status?');
    expect(server.stdout()).toContain(`got back hex: ${greeting.toString('hex')}\n`);
    expect(exchange.exchange).toMatchObject({
      bytesReceived: greeting.length,
      bytesSent: 'status?'.length + greeting.length,
    });
  });
});

describe('echo on UDP', () => {
  it('sends each datagram back to its sender, one tx record per datagram', async () => {
    h = new Harness();
    const udp = await h.start({ kind: 'udp', host: '127.0.0.1', port: 0, echo: true });
    const peer = startPeer('udp_echo_check_client.py', ['127.0.0.1', udp.port, 'one', '二', 'three 3']);
    const result = await peer.exited();
    expect(result.stdout).toContain(`back from ${udp.port} : one\n`);
    expect(result.stdout).toContain(`back from ${udp.port} : 二\n`);
    expect(result.stdout).toContain(`back from ${udp.port} : three 3\n`);
    await until(() => records(udp.id).filter((r) => r.dir === 'tx').length === 3);
    expectEachEchoed(udp.id);
    const stats = await h.run({ type: 'stats.get', sessionId: udp.id });
    expect(stats.counters).toMatchObject({ packetsIn: 3, packetsOut: 3, bytesIn: stats.counters.bytesOut });
  });

  it('echoes to socat over UDP', async (ctx) => {
    needs(ctx, 'socat');
    h = new Harness();
    const udp = await h.start({ kind: 'udp', host: '127.0.0.1', port: 0, echo: true });
    const socat = startProgram('socat', ['-t', '1', '-', `UDP:127.0.0.1:${udp.port}`], 'datagram from socat');
    const result = await socat.exited();
    expect(result.stdout).toBe('datagram from socat');
  });

  it('does not echo what the session sent to itself, and says so once', async () => {
    h = new Harness();
    const udp = await h.start({ kind: 'udp', host: '127.0.0.1', port: 0, echo: true });
    for (const text of ['a', 'b']) {
      await h.run({
        type: 'send',
        sessionId: udp.id,
        payload: { data: text },
        target: { to: 'peer', host: '127.0.0.1', port: udp.port },
      });
    }
    await h.waitForBytes(udp.id, 'rx', 2);
    const notice = (await h.waitFor(
      (e): e is ErrorEvent => e.type === 'error' && e.error.code === 'E_ECHO_SELF',
    )) as ErrorEvent;
    expect(notice.error.message).toMatch(/bounce forever/);
    const stats = await h.run({ type: 'stats.get', sessionId: udp.id });
    // The two sends, and nothing more: no echo loop.
    expect(stats.counters).toMatchObject({ packetsIn: 2, packetsOut: 2 });
    expect(h.events.filter((e) => e.type === 'error' && e.error.code === 'E_ECHO_SELF')).toHaveLength(1);
  });
});

describe('echo is off unless asked', () => {
  it('a session without echo sends nothing back', async () => {
    h = new Harness();
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const info = (await h.run({ type: 'session.list' })).find((s) => s.sessionId === server.id)!;
    expect(info.config.echo).toBe(false);
    const peer = startPeer('utf8_tcp_client.py', ['127.0.0.1', server.port]);
    await h.waitFor(isOpened);
    await h.waitForBytes(server.id, 'rx', Buffer.byteLength('你好，世界'));
    await h.run({ type: 'connection.close', sessionId: server.id });
    await peer.exited();
    expect(h.bytes(server.id, 'tx').length).toBe(0);
  });
});
