import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionInfo } from '../../shared/contract';
import { BATCH_INTERVAL_MS, MAX_BATCH_BYTES } from '../../shared/contract/batch';
import { MAX_PENDING_COMMANDS } from '../../shared/contract/wire';
import type { Result } from '../../shared/result';
import { Engine } from '../../engine/engine';
import { sleep, until } from '../helpers/harness';
import { rawRequest, startTestBridge, TabClient, upgradeRequest, type TestBridge } from './helpers';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function bridge(options: Parameters<typeof startTestBridge>[0] = {}): Promise<TestBridge> {
  const t = await startTestBridge(options);
  cleanups.push(() => t.close());
  return t;
}

async function tab(t: TestBridge): Promise<TabClient> {
  const client = await TabClient.open(t.port, t.token, { origin: t.origin });
  cleanups.push(() => client.close().catch(() => undefined));
  return client;
}

function peer(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.on('error', () => {});
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
    cleanups.push(() => socket.destroy());
  });
}

function portOf(local: string | undefined): number {
  return Number(/:(\d+)$/.exec(local ?? '')?.[1]);
}

function receivedBytes(client: TabClient, sessionId: string): Buffer {
  return Buffer.concat(
    client.batches
      .recordsOf(sessionId)
      .filter((r) => r.dir === 'rx')
      .map((r) => r.bytes),
  );
}

describe('the engine over a real WebSocket', () => {
  it('runs a TCP server session from a tab, streams the received bytes, and keeps it when the tab closes', async () => {
    const t = await bridge();
    const first = await tab(t);
    const created = await first.ok<SessionInfo>({
      type: 'session.create',
      config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 },
      name: 'bridge test',
    });
    const started = await first.ok<SessionInfo>({ type: 'session.start', sessionId: created.sessionId });
    expect(started.state).toBe('listening');

    const device = await peer(portOf(started.local));
    const sent = Buffer.from([0x00, 0x01, 0xfe, 0xff, ...Buffer.from('héllo\r\n', 'utf8')]);
    device.write(sent);
    const got = await first.until(
      () => {
        const bytes = receivedBytes(first, created.sessionId);
        return bytes.length >= sent.length ? bytes : undefined;
      },
      5000,
      'the record',
    );
    expect(got.equals(sent)).toBe(true);
    expect(first.batches.recordsOf(created.sessionId)[0]).toMatchObject({
      dir: 'rx',
      connectionId: 'c1',
      fullLength: sent.length,
    });
    expect(first.events.map((e) => e.type)).toContain('connection.opened');

    expect(await first.close()).toBe(1000);
    await until(() => t.logs.some((line) => /disconnected .*keep running/.test(line)), 2000, 'the disconnect log line');

    // A reloaded tab rebuilds its view with ordinary commands, and the session never noticed.
    const second = await tab(t);
    const sessions = await second.ok<SessionInfo[]>({ type: 'session.list' });
    expect(sessions).toMatchObject([{ sessionId: created.sessionId, state: 'listening' }]);
    expect(await second.ok({ type: 'connection.list', sessionId: created.sessionId })).toMatchObject([
      { state: 'open' },
    ]);
    const history = await second.ok<{ records: Array<{ bytes: Uint8Array }> }>({
      type: 'capture.read',
      sessionId: created.sessionId,
      fromSeq: 0,
    });
    expect(Buffer.concat(history.records.map((r) => Buffer.from(r.bytes))).equals(sent)).toBe(true);

    // The same connection keeps working, and its new bytes reach the new tab.
    device.write('again');
    const more = await second.until(() => {
      const bytes = receivedBytes(second, created.sessionId);
      return bytes.length >= 5 ? bytes : undefined;
    });
    expect(more.toString()).toBe('again');
  });

  it('answers malformed messages with E_VALIDATION replies and stays open', async () => {
    const t = await bridge();
    const client = await tab(t);
    const replies = () => [...client.replies.values()];
    client.sendRaw('{not json');
    client.sendRaw(JSON.stringify({ type: 'command', id: 'seven', command: { type: 'session.list' } }));
    client.sendRaw(JSON.stringify({ type: 'command', id: 7, command: { type: 'session.list' }, extra: 1 }));
    client.sendRaw(JSON.stringify({ type: 'nope', id: 8 }));
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await client.until(() =>
      client.replies.has(-1) && client.replies.has(7) && client.replies.has(8) ? true : undefined,
    );
    for (const reply of replies())
      expect(reply.result).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', message: expect.any(String) } });
    expect(client.replies.get(-1)?.result).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
    expect(await client.ok({ type: 'session.list' })).toEqual([]);
    expect(client.closeCode).toBeUndefined();
  });

  it('answers E_TOO_MANY beyond the limit of unanswered commands, and recovers once replies go out', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    class SlowEngine extends Engine {
      override async execute(raw: unknown): Promise<Result<unknown>> {
        await gate;
        return super.execute(raw);
      }
    }
    const t = await bridge({ engine: new SlowEngine({ statsIntervalMs: 0 }) });
    const client = await tab(t);
    const extra = 5;
    const ids = Array.from({ length: MAX_PENDING_COMMANDS + extra }, () => client.post({ type: 'session.list' }));
    const refused = await client.until(() => (client.replies.size >= extra ? [...client.replies.values()] : undefined));
    expect(refused.map((r) => r.id)).toEqual(ids.slice(MAX_PENDING_COMMANDS));
    for (const reply of refused)
      expect(reply.result).toMatchObject({
        ok: false,
        error: { code: 'E_TOO_MANY', message: expect.stringMatching(/wait for replies/) },
      });
    release();
    await client.until(() => (client.replies.size === ids.length ? true : undefined));
    for (const id of ids.slice(0, MAX_PENDING_COMMANDS))
      expect(client.replies.get(id)?.result).toEqual({ ok: true, value: [] });
    expect(await client.ok({ type: 'session.list' })).toEqual([]);
  });

  it('a tab that stops reading is held to the batch window, not disconnected; once it reads again it skips ahead to the newest data', async () => {
    const t = await bridge({ maxBufferedBytes: 2 * 1024 * 1024 });
    const slow = await tab(t);
    const created = await slow.ok<SessionInfo>({
      type: 'session.create',
      config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 },
    });
    const started = await slow.ok<SessionInfo>({ type: 'session.start', sessionId: created.sessionId });
    const device = await peer(portOf(started.local));
    await slow.until(
      () => (slow.events.some((e) => e.type === 'connection.opened') ? true : undefined),
      5000,
      'connection.opened',
    );

    slow.ws.pause();
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    let total = 0;
    for (let i = 0; i < 256; i++) {
      if (!device.write(chunk)) await new Promise((resolve) => device.once('drain', resolve));
      total += chunk.length;
    }
    await until(() => t.engine.capture(created.sessionId)!.stats().bytes === total, 10_000, 'the flood to land');
    await sleep(10 * BATCH_INTERVAL_MS);
    expect(t.logs.some((line) => /fell too far behind/.test(line))).toBe(false);

    slow.ws.resume();
    const store = t.engine.capture(created.sessionId)!;
    await slow.until(
      () => (slow.batches.recordsOf(created.sessionId).at(-1)?.seq === store.nextSeq - 1 ? true : undefined),
      10_000,
      'the tab to catch up',
    );
    expect(slow.closeCode).toBeUndefined();
    const records = slow.batches.recordsOf(created.sessionId);
    expect(slow.batches.skippedOf(created.sessionId)).toBeGreaterThan(0);
    expect(slow.batches.skippedOf(created.sessionId) + records.length).toBe(store.nextSeq - 1);
    expect(Math.max(...slow.batches.sizes)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    expect(await slow.ok<SessionInfo[]>({ type: 'session.list' })).toMatchObject([{ state: 'listening' }]);
  });

  it('disconnects with 1013 a tab that keeps asking for captures and never reads the answers; the session keeps running', async () => {
    const t = await bridge({ maxBufferedBytes: 256 * 1024 });
    const slow = await tab(t);
    const created = await t.engine.run({
      type: 'session.create',
      config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 },
    });
    if (!created.ok) throw new Error(created.error.message);
    const started = await t.engine.run({ type: 'session.start', sessionId: created.value.sessionId });
    if (!started.ok) throw new Error(started.error.message);
    const device = await peer(portOf(started.value.local));
    device.write(Buffer.alloc(1024 * 1024, 0x41));
    await until(
      () => t.engine.capture(created.value.sessionId)!.stats().bytes === 1024 * 1024,
      5000,
      'the captured megabyte',
    );

    // Replies are not windowed: only the buffered-bytes limit stands between such a tab and the bridge's memory.
    slow.ws.pause();
    const deadline = Date.now() + 15_000;
    while (!t.logs.some((line) => /fell too far behind/.test(line))) {
      if (Date.now() > deadline) throw new Error('the slow tab was never disconnected');
      slow.post({ type: 'capture.read', sessionId: created.value.sessionId, fromSeq: 0 });
      await sleep(5);
    }
    slow.ws.resume();
    expect(await slow.closed(15_000)).toBe(1013);
    expect(slow.closeReason).toMatch(/reload/);
    const list = await t.engine.run({ type: 'session.list' });
    expect(list).toMatchObject({ ok: true, value: [{ state: 'listening' }] });
    // Other tabs are unaffected.
    const fresh = await tab(t);
    expect(await fresh.ok<SessionInfo[]>({ type: 'session.list' })).toHaveLength(1);
  });

  it('refuses tabs beyond the limit with 503, and takes one again when another closes', async () => {
    const t = await bridge({ maxClients: 2 });
    const a = await tab(t);
    await tab(t);
    const refused = await rawRequest(
      t.port,
      upgradeRequest({ host: `127.0.0.1:${t.port}`, path: `/ws?token=${t.token}`, origin: t.origin }),
    );
    expect(refused.status).toBe(503);
    await a.close();
    await until(() => t.logs.some((line) => /1 open/.test(line) && /disconnected/.test(line)), 2000, 'the disconnect');
    const c = await tab(t);
    expect(await c.ok({ type: 'session.list' })).toEqual([]);
  });

  it('close() closes open tabs with 1001 and stops listening; the engine’s sessions are untouched', async () => {
    const t = await startTestBridge();
    const client = await TabClient.open(t.port, t.token, { origin: t.origin });
    const created = await client.ok<SessionInfo>({
      type: 'session.create',
      config: { kind: 'udp', host: '127.0.0.1', port: 0 },
    });
    await t.bridge.close();
    expect(await client.closed()).toBe(1001);
    await expect(
      rawRequest(t.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${t.port}\r\n\r\n`, 1000),
    ).resolves.toMatchObject({ status: 0 });
    expect(await t.engine.run({ type: 'session.list' })).toMatchObject({
      ok: true,
      value: [{ sessionId: created.sessionId }],
    });
    await t.close();
  });

  it('the wire keeps ids: every reply answers the command with the same id', async () => {
    const t = await bridge();
    const client = await tab(t);
    const ids = [
      client.post({ type: 'session.list' }),
      client.post({ type: 'net.interfaces' }),
      client.post({ type: 'nope' }),
    ];
    await client.until(() => (ids.every((id) => client.replies.has(id)) ? true : undefined));
    expect(client.replies.get(ids[0]!)?.result).toEqual({ ok: true, value: [] });
    expect(client.replies.get(ids[1]!)?.result.ok).toBe(true);
    expect(client.replies.get(ids[2]!)?.result).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
  });
});
