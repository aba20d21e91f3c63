import { createSocket } from 'node:dgram';
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, sleep, until } from '../helpers/harness';
import { needs } from '../helpers/peers';
import { startPeerOnFreePort, stopAll } from '../helpers/processes';

let h: Harness;
const cleanups: Array<() => void> = [];
afterEach(async () => {
  await h?.close();
  while (cleanups.length) cleanups.pop()!();
  await stopAll();
});

function rxRecords(sessionId: string) {
  return h.records(sessionId).filter((record) => record.dir === 'rx');
}

describe('UDP session', () => {
  it('talks to a tutorial python UDP server that recvfrom()s a short buffer and replies to the sender', async () => {
    h = new Harness();
    const { port } = await startPeerOnFreePort('udp_echo_server.py');
    const udp = await h.start({ kind: 'udp', host: '127.0.0.1', port: 0, remoteHost: '127.0.0.1', remotePort: port });
    await h.run({ type: 'send', sessionId: udp.id, payload: { data: 'hello' } });
    expect((await h.waitForBytes(udp.id, 'rx', 9)).toString()).toBe('ACK HELLO');
    // The python side reads only 16 bytes of a datagram: the rest is lost there, as it would be for real.
    await h.run({ type: 'send', sessionId: udp.id, payload: { data: 'abcdefghijklmnopqrstuvwxyz' } });
    await h.waitForBytes(udp.id, 'rx', 9 + 20);
    expect(rxRecords(udp.id).map((r) => Buffer.from(r.bytes).toString())).toEqual([
      'ACK HELLO',
      'ACK ABCDEFGHIJKLMNOP',
    ]);
    expect(rxRecords(udp.id).every((r) => r.peer === `127.0.0.1:${port}` && r.connectionId === null)).toBe(true);
  });

  it('receives from any peer, records who sent each datagram, and replies to the sender of a chosen one', async () => {
    h = new Harness();
    const udp = await h.start({ kind: 'udp', host: '127.0.0.1', port: 0 });
    const peers = [createSocket('udp4'), createSocket('udp4')];
    const got: string[][] = [[], []];
    await Promise.all(
      peers.map((p, i) =>
        new Promise<void>((resolve) => p.bind(0, '127.0.0.1', () => resolve())).then(() =>
          p.on('message', (m) => got[i].push(m.toString())),
        ),
      ),
    );
    cleanups.push(() => peers.forEach((p) => p.close()));
    peers[0].send('from A', udp.port, '127.0.0.1');
    await h.waitForBytes(udp.id, 'rx', 6);
    peers[1].send('from B', udp.port, '127.0.0.1');
    await h.waitForBytes(udp.id, 'rx', 12);
    const [a, b] = rxRecords(udp.id);
    expect(a.peer).toBe(`127.0.0.1:${peers[0].address().port}`);
    expect(b.peer).toBe(`127.0.0.1:${peers[1].address().port}`);

    await h.run({ type: 'send', sessionId: udp.id, payload: { data: 'to B' }, target: { to: 'reply', seq: b.seq } });
    await h.run({ type: 'send', sessionId: udp.id, payload: { data: 'to A' }, target: { to: 'reply', seq: a.seq } });
    await until(() => got[0].length === 1 && got[1].length === 1, 3000, 'replies');
    expect(got).toEqual([['to A'], ['to B']]);
    const missing = await h.engine.run({
      type: 'send',
      sessionId: udp.id,
      payload: { data: 'x' },
      target: { to: 'reply', seq: 999 },
    });
    expect(missing).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });
  });

  it('works with socat as the peer', async (ctx) => {
    needs(ctx, 'socat');
    h = new Harness();
    const udp = await h.start({ kind: 'udp', host: '127.0.0.1', port: 0 });
    const socat = spawn('socat', ['-T', '3', '-', `UDP:127.0.0.1:${udp.port}`]);
    let fromUs = '';
    socat.stdout.on('data', (d) => (fromUs += d));
    cleanups.push(() => socat.kill());
    socat.stdin.write('ping from socat\n');
    await h.waitForBytes(udp.id, 'rx', 16);
    const [record] = rxRecords(udp.id);
    await h.run({
      type: 'send',
      sessionId: udp.id,
      payload: { data: 'pong\n' },
      target: { to: 'reply', seq: record.seq },
    });
    await until(() => fromUs === 'pong\n', 3000, 'socat to print our reply');
  });

  it('refuses a datagram larger than UDP allows before sending, with a clear message', async () => {
    h = new Harness();
    const sink = await h.start({ kind: 'udp', host: '127.0.0.1', port: 0 });
    const udp = await h.start({
      kind: 'udp',
      host: '127.0.0.1',
      port: 0,
      remoteHost: '127.0.0.1',
      remotePort: sink.port,
    });
    const tooBig = await h.engine.run({
      type: 'send',
      sessionId: udp.id,
      payload: { mode: 'hex', data: '00'.repeat(65_508) },
    });
    expect(tooBig).toMatchObject({
      ok: false,
      error: { code: 'EMSGSIZE', message: expect.stringContaining('65508 bytes') },
    });
    if (!tooBig.ok) expect(tooBig.error.message).toContain('65507');
    const largest = await h.engine.run({
      type: 'send',
      sessionId: udp.id,
      payload: { mode: 'hex', data: '00'.repeat(65_507) },
    });
    expect(largest.ok).toBe(true);
    await h.waitForBytes(sink.id, 'rx', 65_507);
    expect(h.bytes(udp.id, 'tx')).toHaveLength(65_507);
  });

  it('IPv6: binds ::1, exchanges datagrams, and allows up to 65527 bytes', async () => {
    h = new Harness();
    const a = await h.start({ kind: 'udp', host: '::1', port: 0 });
    const b = await h.start({ kind: 'udp', host: '::1', port: 0, remoteHost: '::1', remotePort: a.port });
    expect(a.local).toBe(`[::1]:${a.port}`);
    await h.run({ type: 'send', sessionId: b.id, payload: { data: '你好', encoding: 'utf-8' } });
    await h.waitForBytes(a.id, 'rx', 6);
    expect(rxRecords(a.id)[0].peer).toBe(`[::1]:${b.port}`);
    const big = await h.engine.run({
      type: 'send',
      sessionId: b.id,
      payload: { mode: 'hex', data: '00'.repeat(65_527) },
    });
    expect(big.ok).toBe(true);
    const tooBig = await h.engine.run({
      type: 'send',
      sessionId: b.id,
      payload: { mode: 'hex', data: '00'.repeat(65_528) },
    });
    expect(tooBig).toMatchObject({ ok: false, error: { code: 'EMSGSIZE' } });
    const wrongFamily = await h.engine.run({
      type: 'send',
      sessionId: b.id,
      payload: { data: 'x' },
      target: { to: 'peer', host: '127.0.0.1', port: 9 },
    });
    expect(wrongFamily).toMatchObject({ ok: false, error: { message: expect.stringContaining('IPv6') } });
  });

  it('broadcast: refused in plain words when off, delivered when on (loopback broadcast 127.255.255.255)', async () => {
    h = new Harness();
    const listener = await h.start({ kind: 'udp', host: '0.0.0.0', port: 0 });
    const off = await h.start({ kind: 'udp', host: '127.0.0.1', port: 0, broadcast: false });
    const refused = await h.engine.run({
      type: 'send',
      sessionId: off.id,
      payload: { data: 'all?' },
      target: { to: 'peer', host: '127.255.255.255', port: listener.port },
    });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'EACCES', message: expect.stringMatching(/broadcast/i) },
    });
    const on = await h.start({ kind: 'udp', host: '127.0.0.1', port: 0, broadcast: true });
    const sent = await h.engine.run({
      type: 'send',
      sessionId: on.id,
      payload: { data: 'all!' },
      target: { to: 'peer', host: '127.255.255.255', port: listener.port },
    });
    expect(sent.ok).toBe(true);
    expect((await h.waitForBytes(listener.id, 'rx', 4)).toString()).toBe('all!');
  });

  it('asks the OS for the receive buffer it is given and reports what was granted', async () => {
    h = new Harness();
    const small = await h.start({ kind: 'udp', host: '127.0.0.1', port: 0, recvBufferBytes: 4096 });
    const large = await h.start({ kind: 'udp', host: '127.0.0.1', port: 0, recvBufferBytes: 4 * 1024 * 1024 });
    const infos = new Map((await h.run({ type: 'session.list' })).map((s) => [s.sessionId, s]));
    const smallGranted = infos.get(small.id)!.recvBufferBytes!;
    const largeGranted = infos.get(large.id)!.recvBufferBytes!;
    expect(smallGranted).toBeGreaterThanOrEqual(4096);
    // The OS may cap the large request (Linux: net.core.rmem_max), but never below the small one.
    expect(largeGranted).toBeGreaterThan(smallGranted);
  });

  it('a busy UDP port is EADDRINUSE naming the holder; without a default remote a send says so', async () => {
    h = new Harness();
    const first = await h.start({ kind: 'udp', host: '127.0.0.1', port: 0 });
    const created = await h.run({
      type: 'session.create',
      config: { kind: 'udp', host: '127.0.0.1', port: first.port },
    });
    const started = await h.engine.run({ type: 'session.start', sessionId: created.sessionId });
    expect(started).toMatchObject({
      ok: false,
      error: { code: 'EADDRINUSE', message: expect.stringContaining(String(first.port)) },
    });
    if (!started.ok) expect(started.error.message).toContain(String(process.pid));
    const noTarget = await h.engine.run({ type: 'send', sessionId: first.id, payload: { data: 'x' } });
    expect(noTarget).toMatchObject({ ok: false, error: { code: 'E_NO_TARGET' } });
  });

  it('counts datagrams and bytes in both directions exactly', async () => {
    h = new Harness();
    const a = await h.start({ kind: 'udp', host: '127.0.0.1', port: 0 });
    const b = await h.start({ kind: 'udp', host: '127.0.0.1', port: 0, remoteHost: '127.0.0.1', remotePort: a.port });
    for (let i = 0; i < 50; i++)
      await h.run({ type: 'send', sessionId: b.id, payload: { mode: 'hex', data: '01 02 03' } });
    await h.waitForBytes(a.id, 'rx', 150);
    await sleep(50);
    const sa = await h.run({ type: 'stats.get', sessionId: a.id });
    const sb = await h.run({ type: 'stats.get', sessionId: b.id });
    expect(sa.counters).toMatchObject({ bytesIn: 150, packetsIn: 50, bytesOut: 0 });
    expect(sb.counters).toMatchObject({ bytesOut: 150, packetsOut: 50 });
    expect(sa.capture.records).toBe(50);
  });
});
