import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../shared/contract';
import { Harness, sleep, tcpPeer, until } from '../helpers/harness';
import { startPeer, startPeerOnFreePort, stopAll } from '../helpers/processes';

type Closed = Extract<EngineEvent, { type: 'connection.closed' }>;
type Opened = Extract<EngineEvent, { type: 'connection.opened' }>;
const isOpened = (e: EngineEvent): e is Opened => e.type === 'connection.opened';
const isClosed = (e: EngineEvent): e is Closed => e.type === 'connection.closed';

let h: Harness;
afterEach(async () => {
  await h?.close();
  await stopAll();
});

async function openedFor(peerPort: number): Promise<Opened> {
  return h.waitFor((e): e is Opened => isOpened(e) && e.connection.peer.endsWith(`:${peerPort}`));
}

describe('TCP server session', () => {
  it('listens on port 0, reports the real port, and records what a python tutorial client sends (GBK)', async () => {
    h = new Harness();
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    expect(server.port).toBeGreaterThan(0);
    const client = startPeer('gbk_tcp_client.py', ['127.0.0.1', server.port]);
    const data = await h.waitForBytes(server.id, 'rx', 13);
    // GBK of 你好，Sockpit: two bytes per Chinese character and the full-width comma.
    expect(data.toString('hex')).toBe('c4e3bac3a3ac536f636b706974');
    const opened = await h.waitFor(isOpened);
    expect(opened.connection.peer).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(opened.connection.connectedAt).toBeGreaterThan(Date.now() - 10_000);

    const sent = await h.run({
      type: 'send',
      sessionId: server.id,
      payload: { data: '收到', encoding: 'gbk' },
      target: { to: 'connections', connectionIds: [opened.connection.connectionId] },
    });
    expect(sent.destinations).toBe(1);
    await client.exited();
    expect(client.stdout()).toContain('reply hex: cad5b5bd');
    expect(client.stdout()).toContain('reply: 收到');
    const tx = h.bytes(server.id, 'tx');
    expect(tx.toString('hex')).toBe('cad5b5bd');
  });

  it('sends to one client, to a chosen set, and to all; each connection has its own counters', async () => {
    h = new Harness();
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const peers = await Promise.all([0, 1, 2].map(() => tcpPeer(server.port)));
    const ids = await Promise.all(
      peers.map(async (p) => (await openedFor(p.socket.localPort!)).connection.connectionId),
    );

    await h.run({
      type: 'send',
      sessionId: server.id,
      payload: { data: 'one' },
      target: { to: 'connections', connectionIds: [ids[1]] },
    });
    await h.run({
      type: 'send',
      sessionId: server.id,
      payload: { data: 'two' },
      target: { to: 'connections', connectionIds: [ids[0], ids[2]] },
    });
    const all = await h.run({ type: 'send', sessionId: server.id, payload: { data: 'all' }, target: { to: 'all' } });
    expect(all.destinations).toBe(3);

    await peers[0].waitForBytes(6);
    await peers[1].waitForBytes(6);
    await peers[2].waitForBytes(6);
    expect(peers.map((p) => p.received().toString())).toEqual(['twoall', 'oneall', 'twoall']);

    peers[2].socket.write('hello!');
    await h.waitForBytes(server.id, 'rx', 6);
    const connections = await h.run({ type: 'connection.list', sessionId: server.id });
    const byId = new Map(connections.map((c) => [c.connectionId, c]));
    expect(byId.get(ids[1])!.counters).toMatchObject({ bytesOut: 6, packetsOut: 2, bytesIn: 0 });
    expect(byId.get(ids[2])!.counters).toMatchObject({ bytesOut: 6, bytesIn: 6, packetsIn: 1 });
    const stats = await h.run({ type: 'stats.get', sessionId: server.id });
    expect(stats.counters).toMatchObject({ bytesOut: 18, packetsOut: 6, bytesIn: 6 });
    expect(stats.accepted).toBe(3);

    const reset = await h.run({ type: 'stats.reset', sessionId: server.id });
    expect(reset.counters).toMatchObject({ bytesIn: 0, bytesOut: 0, packetsIn: 0, packetsOut: 0 });
    expect(reset.connections.every((c) => c.counters.bytesOut === 0)).toBe(true);
    for (const p of peers) p.socket.destroy();
  });

  it('refuses a send to a client that is gone and a send with nobody connected, in words', async () => {
    h = new Harness();
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const nobody = await h.engine.run({ type: 'send', sessionId: server.id, payload: { data: 'x' } });
    expect(nobody).toMatchObject({
      ok: false,
      error: { code: 'E_NO_TARGET', message: expect.stringContaining('No client is connected') },
    });
    const gone = await h.engine.run({
      type: 'send',
      sessionId: server.id,
      payload: { data: 'x' },
      target: { to: 'connections', connectionIds: ['c999'] },
    });
    expect(gone).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });
  });

  it('disconnects one client or all, and records why each connection closed', async () => {
    h = new Harness();
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const finPeer = await tcpPeer(server.port);
    const rstPeer = await tcpPeer(server.port);
    const kicked = await tcpPeer(server.port);
    const stay1 = await tcpPeer(server.port);
    const stay2 = await tcpPeer(server.port);
    const idOf = async (p: { socket: { localPort?: number } }) =>
      (await openedFor(p.socket.localPort!)).connection.connectionId;
    const [finId, rstId, kickId, stayId1, stayId2] = await Promise.all(
      [finPeer, rstPeer, kicked, stay1, stay2].map(idOf),
    );

    finPeer.socket.end();
    rstPeer.socket.resetAndDestroy();
    await h.run({ type: 'connection.close', sessionId: server.id, connectionIds: [kickId] });
    await kicked.waitForEnd();

    const reasonOf = async (id: string) =>
      (await h.waitFor((e): e is Closed => isClosed(e) && e.connection.connectionId === id)).reason;
    expect(await reasonOf(finId)).toBe('peer-closed');
    expect(await reasonOf(rstId)).toBe('reset');
    expect(await reasonOf(kickId)).toBe('kicked');
    const resetEvent = await h.waitFor((e): e is Closed => isClosed(e) && e.connection.connectionId === rstId);
    expect(resetEvent.error?.message).toMatch(/reset/i);

    const all = await h.run({ type: 'connection.close', sessionId: server.id });
    expect(all.closed).toBe(2);
    await stay1.waitForEnd();
    await stay2.waitForEnd();
    expect(await reasonOf(stayId1)).toBe('kicked');
    expect(await reasonOf(stayId2)).toBe('kicked');
  });

  it('disconnect with reset sends RST: the peer sees ECONNRESET', async () => {
    h = new Harness();
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const peer = await tcpPeer(server.port);
    const id = (await openedFor(peer.socket.localPort!)).connection.connectionId;
    const peerError = new Promise<string>((resolve) =>
      peer.socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? '')),
    );
    await h.run({ type: 'connection.close', sessionId: server.id, connectionIds: [id], reset: true });
    expect(await peerError).toBe('ECONNRESET');
  });

  it('stopping the server closes its clients (server-stopped) and a restart re-listens on the same port at once', async () => {
    h = new Harness();
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    // Pin the port the system gave us, as a person who typed it would have.
    await h.run({ type: 'session.stop', sessionId: server.id });
    await h.run({
      type: 'session.update',
      sessionId: server.id,
      config: { kind: 'tcp-server', host: '127.0.0.1', port: server.port },
    });
    await h.run({ type: 'session.start', sessionId: server.id });
    const peer = await tcpPeer(server.port);
    await openedFor(peer.socket.localPort!);
    peer.socket.write('ping');
    await h.waitForBytes(server.id, 'rx', 4);
    await h.run({ type: 'session.stop', sessionId: server.id });
    await peer.waitForEnd();
    const closed = await h.waitFor(isClosed);
    expect(closed.reason).toBe('server-stopped');

    // The server side of that connection now sits in TIME_WAIT; SO_REUSEADDR must let us listen again.
    const restarted = await h.run({ type: 'session.start', sessionId: server.id });
    expect(restarted.state).toBe('listening');
    expect(restarted.local).toBe(`127.0.0.1:${server.port}`);
    const again = await tcpPeer(server.port);
    await openedFor(again.socket.localPort!);
    again.socket.destroy();
  });

  it('refuses clients over maxClients and counts them (cap 10, 20 clients → 10 served, 10 refused)', async () => {
    h = new Harness();
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0, maxClients: 10 });
    const peers: Array<Awaited<ReturnType<typeof tcpPeer>>> = [];
    for (let i = 0; i < 20; i++) peers.push(await tcpPeer(server.port));
    await until(() => h.events.filter((e) => e.type === 'connection.refused').length === 10, 5000, '10 refusals');
    await h.run({ type: 'send', sessionId: server.id, payload: { data: 'hi' }, target: { to: 'all' } });
    await until(() => peers.filter((p) => p.received().toString() === 'hi').length === 10, 5000, '10 served');
    await until(() => peers.filter((p) => p.closed).length === 10, 5000, '10 closed');
    const stats = await h.run({ type: 'stats.get', sessionId: server.id });
    expect(stats).toMatchObject({ accepted: 10, refused: 10 });
    const served = peers.filter((p) => p.received().toString() === 'hi');
    expect(served.every((p) => !p.closed)).toBe(true);
    for (const p of peers) p.socket.destroy();
  });

  it('limits connections per remote IP (127.0.0.1 vs 127.0.0.2 are different IPs)', async () => {
    h = new Harness();
    const server = await h.start({ kind: 'tcp-server', host: '0.0.0.0', port: 0, maxClientsPerIp: 2 });
    const a = [await tcpPeer(server.port), await tcpPeer(server.port), await tcpPeer(server.port)];
    const b = await tcpPeer(server.port, '127.0.0.1', { localAddress: '127.0.0.2' });
    const refused = await h.waitFor(
      (e): e is Extract<EngineEvent, { type: 'connection.refused' }> => e.type === 'connection.refused',
    );
    expect(refused.limit).toBe('maxClientsPerIp');
    expect(refused.peer).toMatch(/^127\.0\.0\.1:/);
    await openedFor(b.socket.localPort!);
    await until(() => a[2].closed, 5000, 'the third client from 127.0.0.1 to be closed');
    const stats = await h.run({ type: 'stats.get', sessionId: server.id });
    expect(stats).toMatchObject({ accepted: 3, refused: 1 });
    for (const p of [...a, b]) p.socket.destroy();
  });

  it('closes connections that stay idle longer than the idle timeout', async () => {
    h = new Harness();
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0, idleTimeoutMs: 300 });
    const quiet = await tcpPeer(server.port);
    const chatty = await tcpPeer(server.port);
    const quietId = (await openedFor(quiet.socket.localPort!)).connection.connectionId;
    const chattyId = (await openedFor(chatty.socket.localPort!)).connection.connectionId;
    const ticker = setInterval(() => chatty.socket.write('.'), 100);
    try {
      const closed = await h.waitFor((e): e is Closed => isClosed(e) && e.connection.connectionId === quietId, 3000);
      expect(closed.reason).toBe('idle-timeout');
      await quiet.waitForEnd();
      expect(h.events.some((e) => isClosed(e) && e.connection.connectionId === chattyId)).toBe(false);
    } finally {
      clearInterval(ticker);
    }
    chatty.socket.destroy();
  });

  it('with allow half-open, shows the peer FIN and still lets the user send', async () => {
    h = new Harness();
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0, allowHalfOpen: true });
    const peer = await tcpPeer(server.port, '127.0.0.1', { allowHalfOpen: true });
    const id = (await openedFor(peer.socket.localPort!)).connection.connectionId;
    peer.socket.end('request');
    await h.waitFor((e) => e.type === 'connection.halfClosed' && e.connectionId === id && e.by === 'peer');
    const [info] = await h.run({ type: 'connection.list', sessionId: server.id });
    expect(info.state).toBe('half-closed-by-peer');
    await h.run({
      type: 'send',
      sessionId: server.id,
      payload: { data: 'late answer' },
      target: { to: 'connections', connectionIds: [id] },
    });
    expect((await peer.waitForBytes(11)).toString()).toBe('late answer');
    await h.run({ type: 'connection.close', sessionId: server.id, connectionIds: [id] });
    await peer.waitForEnd();
  });

  it('without half-open, a peer FIN closes the connection as peer-closed', async () => {
    h = new Harness();
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const peer = await tcpPeer(server.port, '127.0.0.1', { allowHalfOpen: true });
    peer.socket.end('bye');
    const closed = await h.waitFor(isClosed);
    expect(closed.reason).toBe('peer-closed');
    expect(h.bytes(server.id, 'rx').toString()).toBe('bye');
  });

  it('listens on IPv6 loopback and on any-IPv6', async () => {
    h = new Harness();
    const v6 = await h.start({ kind: 'tcp-server', host: '::1', port: 0 });
    expect(v6.local).toBe(`[::1]:${v6.port}`);
    const peer = await tcpPeer(v6.port, '::1');
    const opened = await openedFor(peer.socket.localPort!);
    expect(opened.connection.peer).toBe(`[::1]:${peer.socket.localPort}`);
    peer.socket.destroy();

    const any = await h.start({ kind: 'tcp-server', host: '::', port: 0 });
    const overV4 = await tcpPeer(any.port, '127.0.0.1');
    peer.socket.destroy();
    await openedFor(overV4.socket.localPort!);
    overV4.socket.destroy();
  });

  it('a busy port is refused in plain words naming who holds it, and touches nothing else', async () => {
    h = new Harness();
    const { peer: holder, port } = await startPeerOnFreePort('gbk_tcp_server.py');
    try {
      const created = await h.run({ type: 'session.create', config: { kind: 'tcp-server', host: '127.0.0.1', port } });
      const started = await h.engine.run({ type: 'session.start', sessionId: created.sessionId });
      expect(started.ok).toBe(false);
      if (started.ok) return;
      expect(started.error.code).toBe('EADDRINUSE');
      expect(started.error.message).toContain(String(port));
      expect(started.error.message).toMatch(/python3/);
      expect(started.error.message).toContain(String(holder.process.pid));
      expect(started.error.hint).toBeTruthy();
      const [info] = await h.run({ type: 'session.list' });
      expect(info.state).toBe('failed');
    } finally {
      holder.process.kill();
    }
  });

  it('an address that is not this computer’s is EADDRNOTAVAIL, explained', async () => {
    h = new Harness();
    const created = await h.run({
      type: 'session.create',
      config: { kind: 'tcp-server', host: '203.0.113.77', port: 0 },
    });
    const started = await h.engine.run({ type: 'session.start', sessionId: created.sessionId });
    expect(started).toMatchObject({
      ok: false,
      error: { code: 'EADDRNOTAVAIL', message: expect.stringContaining('203.0.113.77') },
    });
  });

  it('a short pause between sends keeps each chunk as its own record with increasing sequence numbers and times', async () => {
    h = new Harness();
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const peer = await tcpPeer(server.port);
    peer.socket.write('first');
    await h.waitForBytes(server.id, 'rx', 5);
    await sleep(20);
    peer.socket.write('second');
    await h.waitForBytes(server.id, 'rx', 11);
    const page = await h.run({ type: 'capture.read', sessionId: server.id, fromSeq: 0, limit: 10 });
    expect(page.records.map((r) => Buffer.from(r.bytes).toString())).toEqual(['first', 'second']);
    const [a, b] = page.records;
    expect(b.seq).toBe(a.seq + 1);
    expect(b.monoUs - a.monoUs).toBeGreaterThanOrEqual(15_000);
    expect(Math.abs(a.wallUs / 1000 - Date.now())).toBeLessThan(10_000);
    expect(a).toMatchObject({ dir: 'rx', sessionId: server.id, peer: `127.0.0.1:${peer.socket.localPort}` });
    peer.socket.destroy();
  });
});
