import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionInfo } from '../../shared/contract';
import { BATCH_INTERVAL_MS, MAX_BATCH_BYTES } from '../../shared/contract/batch';
import { TAB_MAX_UNACKED } from '../../bridge/tab';
import { sleep, until } from '../helpers/harness';
import { startTestBridge, TabClient, type TestBridge } from './helpers';

// Flow control as a browser tab sees it: binary batches over the bridge's real WebSocket, acknowledged
// with {type:'ack'} text messages from a `ws` client.

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(): Promise<{ t: TestBridge; client: TabClient; sessionId: string; device: Socket }> {
  const t = await startTestBridge();
  cleanups.push(() => t.close());
  const client = await TabClient.open(t.port, t.token, { origin: t.origin });
  cleanups.push(() => client.close().catch(() => undefined));
  const created = await client.ok<SessionInfo>({
    type: 'session.create',
    config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 },
  });
  const started = await client.ok<SessionInfo>({ type: 'session.start', sessionId: created.sessionId });
  const device = await new Promise<Socket>((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: Number(/:(\d+)$/.exec(started.local ?? '')?.[1]) });
    socket.on('error', () => {});
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
  cleanups.push(() => device.destroy());
  // Session and connection events have gone out and been acknowledged: what follows is about the data.
  await client.until(
    () => (client.events.some((e) => e.type === 'connection.opened') ? true : undefined),
    5000,
    'connection.opened',
  );
  await sleep(5 * BATCH_INTERVAL_MS);
  return { t, client, sessionId: created.sessionId, device };
}

function caughtUp(t: TestBridge, client: TabClient, sessionId: string): true | undefined {
  const store = t.engine.capture(sessionId);
  return store && client.batches.recordsOf(sessionId).at(-1)?.seq === store.nextSeq - 1 ? true : undefined;
}

function captured(t: TestBridge, sessionId: string): number {
  return t.engine.capture(sessionId)?.stats().bytes ?? 0;
}

describe('flow control over the bridge WebSocket', () => {
  it('a tab that acknowledges gets every record exactly once, in order, in binary batches no bigger than 256 KiB', async () => {
    const { t, client, sessionId, device } = await setup();
    const sent: Buffer[] = [];
    let total = 0;
    for (let burst = 0; burst < 20; burst++) {
      for (let i = 0; i < 8; i++) {
        const chunk = Buffer.alloc(1 + ((burst * 53 + i * 97) % 3000), burst * 8 + i);
        device.write(chunk);
        sent.push(chunk);
        total += chunk.length;
      }
      await until(() => captured(t, sessionId) === total, 5000, 'the burst to land');
      await client.until(() => caughtUp(t, client, sessionId), 5000, 'the tab to catch up');
    }
    const records = client.batches.recordsOf(sessionId);
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: records.length }, (_v, i) => i + 1));
    expect(client.batches.skippedOf(sessionId)).toBe(0);
    expect(Buffer.concat(records.map((r) => r.bytes)).equals(Buffer.concat(sent))).toBe(true);
    expect(client.batches.malformed).toBe(0);
    expect(Math.max(...client.batches.sizes)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
  });

  it(`a tab that stops acknowledging gets ${TAB_MAX_UNACKED} batches, then nothing until it acknowledges, then skips ahead`, async () => {
    const { t, client, sessionId, device } = await setup();
    client.batches.autoAck = false;
    const base = client.batches.headers.length;
    let total = 0;
    for (let i = 1; i <= TAB_MAX_UNACKED; i++) {
      device.write(Buffer.alloc(500, i));
      total += 500;
      await client.until(
        () => (client.batches.headers.length >= base + i && caughtUp(t, client, sessionId) ? true : undefined),
        5000,
        `batch ${i}`,
      );
    }
    const chunk = Buffer.alloc(64 * 1024, 0x5a);
    for (let i = 0; i < 48; i++) {
      if (!device.write(chunk)) await new Promise((resolve) => device.once('drain', resolve));
      total += chunk.length;
    }
    await until(() => captured(t, sessionId) === total, 10_000, 'the flood to land');
    await sleep(10 * BATCH_INTERVAL_MS);
    expect(client.batches.headers).toHaveLength(base + TAB_MAX_UNACKED);

    client.batches.autoAck = true;
    client.batches.ack();
    await client.until(() => caughtUp(t, client, sessionId), 10_000, 'the tab to catch up');
    const records = client.batches.recordsOf(sessionId);
    const skipped = client.batches.skippedOf(sessionId);
    expect(skipped).toBeGreaterThan(0);
    expect(skipped + records.length).toBe(t.engine.capture(sessionId)!.nextSeq - 1);
    for (let i = 1; i < records.length; i++) expect(records[i]!.seq).toBeGreaterThan(records[i - 1]!.seq);
    expect(Math.max(...client.batches.sizes)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    expect(client.closeCode).toBeUndefined();
  });

  it('answers a malformed acknowledgement with E_VALIDATION and ignores one for a batch never sent', async () => {
    const { t, client, sessionId, device } = await setup();
    client.batches.autoAck = false;
    const base = client.batches.headers.length;
    for (let i = 1; i <= TAB_MAX_UNACKED; i++) {
      device.write(`n${i}`);
      await client.until(() => (client.batches.headers.length >= base + i ? true : undefined), 5000, `batch ${i}`);
    }
    for (const bad of [
      { type: 'ack' },
      { type: 'ack', batchId: 0 },
      { type: 'ack', batchId: 1.5 },
      { type: 'ack', batchId: '3' },
      { type: 'ack', batchId: 3, id: 4 },
    ]) {
      client.sendRaw(JSON.stringify(bad));
    }
    await client.until(() => (client.replies.get(-1) ? true : undefined), 5000, 'the E_VALIDATION reply');
    expect(client.replies.get(-1)?.result).toMatchObject({
      ok: false,
      error: { code: 'E_VALIDATION', message: expect.stringMatching(/acknowledgement/) },
    });
    // An id ahead of what was sent does not open the window either.
    client.sendRaw(JSON.stringify({ type: 'ack', batchId: base + TAB_MAX_UNACKED + 5 }));
    device.write('more');
    await until(() => captured(t, sessionId) === TAB_MAX_UNACKED * 2 + 4, 5000, 'the bytes to land');
    await sleep(10 * BATCH_INTERVAL_MS);
    expect(client.batches.headers).toHaveLength(base + TAB_MAX_UNACKED);
    // Commands keep working while the window is closed.
    expect(await client.ok<SessionInfo[]>({ type: 'session.list' })).toHaveLength(1);
    client.batches.ack(base + TAB_MAX_UNACKED);
    await client.until(() => caughtUp(t, client, sessionId), 5000, 'the last record');
    expect(client.batches.recordsOf(sessionId).at(-1)?.bytes.toString()).toBe('more');
    expect(client.batches.skippedOf(sessionId)).toBe(0);
  });
});
