import { afterEach, describe, expect, it } from 'vitest';
import {
  BATCH_INTERVAL_MS,
  MAX_UNACKED_BATCHES,
  MAX_BATCH_BYTES,
  MAX_RECORD_BYTES_IN_BATCH,
} from '../../shared/contract/batch';
import { Engine } from '../../engine/engine';
import { EventStream, type EventStreamOptions } from '../../stream/event-stream';
import { sleep, tcpPeer, until } from '../helpers/harness';
import { BatchReceiver } from './helpers';

// The engine → user interface path, through a real engine with real TCP peers on loopback: what a
// window would see when it keeps up, when it stops acknowledging, and when it comes back.

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function engine(): Engine {
  const e = new Engine({ statsIntervalMs: 0 });
  cleanups.push(() => e.shutdown());
  return e;
}

function client(
  e: Engine,
  options: EventStreamOptions & { autoAck?: boolean } = {},
): { stream: EventStream; rx: BatchReceiver } {
  let stream: EventStream | undefined;
  const rx = new BatchReceiver((batchId) => stream?.ack(batchId), { autoAck: options.autoAck });
  stream = new EventStream(e, (bytes) => rx.receive(bytes), options);
  cleanups.push(() => stream.close());
  return { stream, rx };
}

async function server(e: Engine): Promise<{ id: string; port: number }> {
  const created = await e.run({ type: 'session.create', config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 } });
  if (!created.ok) throw new Error(created.error.message);
  const started = await e.run({ type: 'session.start', sessionId: created.value.sessionId });
  if (!started.ok) throw new Error(started.error.message);
  return { id: created.value.sessionId, port: Number(/:(\d+)$/.exec(started.value.local ?? '')?.[1]) };
}

async function peer(port: number) {
  const p = await tcpPeer(port);
  cleanups.push(() => p.socket.destroy());
  return p;
}

/** Bytes the session's capture store holds, received direction, in seq order. */
function capturedRx(e: Engine, sessionId: string): number {
  return e.capture(sessionId)?.stats().bytes ?? 0;
}

/**
 * Writes `total` bytes in `chunk`-byte writes as fast as the socket takes them; the content is a counter, so order
 * shows.
 */
async function flood(socket: import('node:net').Socket, total: number, chunk = 64 * 1024, offset = 0): Promise<Buffer> {
  const data = Buffer.alloc(total);
  for (let i = 0; i < total; i++) data[i] = (offset + i) % 251;
  for (let at = 0; at < total; at += chunk) {
    if (!socket.write(data.subarray(at, Math.min(total, at + chunk))))
      await new Promise((resolve) => socket.once('drain', resolve));
  }
  return data;
}

function expectStrictlyIncreasing(seqs: number[]): void {
  for (let i = 1; i < seqs.length; i++) expect(seqs[i], `seq at ${i}`).toBeGreaterThan(seqs[i - 1]!);
}

function expectWellFormed(rx: BatchReceiver): void {
  expect(rx.malformed).toBe(0);
  expect(Math.max(0, ...rx.sizes)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
  expect(rx.headers.map((h) => h.batchId)).toEqual(rx.headers.map((_h, i) => i + 1));
}

/** Session and connection events have gone out and been acknowledged: the next batch is about new data. */
function settled(rx: BatchReceiver, stream: EventStream): Promise<true> {
  return until(
    () => rx.events.some((ev) => ev.type === 'connection.opened') && stream.counters().inFlight === 0,
    5000,
    'the connection',
  ).then(() => true);
}

/** The client caught up: its newest record of the session is the store's newest. */
function caughtUp(e: Engine, rx: BatchReceiver, sessionId: string): true | undefined {
  const store = e.capture(sessionId);
  const last = rx.recordsOf(sessionId).at(-1);
  return store && last && last.seq === store.nextSeq - 1 ? true : undefined;
}

/**
 * A client that may have one batch unacknowledged, a server session and a device connected to it: the device writes
 * `text`, the batch carrying it goes out unacknowledged, and the stream must wait.
 */
async function stalledBy(text: string) {
  const e = engine();
  const { rx, stream } = client(e, { maxUnacked: 1 });
  const { id, port } = await server(e);
  const device = await peer(port);
  await settled(rx, stream);
  rx.autoAck = false;
  device.socket.write(text);
  await rx.until(() => caughtUp(e, rx, id), 5000, 'the batch that fills the unacknowledged limit');
  return { e, rx, stream, id, device };
}

describe('EventStream through a real engine and a real TCP peer', () => {
  it('a client that acknowledges everything receives every record exactly once, in order, with nothing skipped', async () => {
    const e = engine();
    const { rx, stream } = client(e);
    const { id, port } = await server(e);
    const device = await peer(port);
    await rx.until(
      () => (rx.events.some((ev) => ev.type === 'connection.opened') ? true : undefined),
      5000,
      'connection.opened',
    );

    const sent: Buffer[] = [];
    let total = 0;
    for (let burst = 0; burst < 25; burst++) {
      for (let i = 0; i < 10; i++) {
        const chunk = Buffer.alloc(1 + ((burst * 37 + i * 101) % 4000), (burst * 10 + i) % 256);
        device.socket.write(chunk);
        sent.push(chunk);
        total += chunk.length;
      }
      await until(() => capturedRx(e, id) === total, 5000, 'the capture store to hold the burst');
      await rx.until(() => caughtUp(e, rx, id), 5000, 'the client to catch up');
    }

    const records = rx.recordsOf(id);
    const store = e.capture(id)!;
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: store.nextSeq - 1 }, (_v, i) => i + 1));
    expect(rx.skippedOf(id)).toBe(0);
    expect(Buffer.concat(records.map((r) => r.bytes)).equals(Buffer.concat(sent))).toBe(true);
    for (const r of records) {
      expect(r.fullLength).toBe(r.bytes.length);
      expect(r.dir).toBe('rx');
      expect(r.connectionId).toBe('c1');
    }
    expect(stream.counters()).toMatchObject({
      recordsSkipped: 0,
      recordsSent: records.length,
      eventsDropped: 0,
      resyncs: 0,
    });
    expectWellFormed(rx);
  });

  it(`a client that stops acknowledging gets ${MAX_UNACKED_BATCHES} batches and then nothing; once it acknowledges it skips ahead, and skipped + received is the total`, async () => {
    const e = engine();
    const { rx, stream } = client(e);
    const { id, port } = await server(e);
    const device = await peer(port);
    await settled(rx, stream);
    rx.autoAck = false;
    const base = rx.headers.length;

    // One burst per batch, so the unacknowledged limit is reached for sure; each waits for its batch.
    let total = 0;
    for (let i = 1; i <= MAX_UNACKED_BATCHES; i++) {
      device.socket.write(Buffer.alloc(1000, i));
      total += 1000;
      await rx.until(
        () => (rx.headers.length >= base + i && caughtUp(e, rx, id) ? true : undefined),
        5000,
        `batch ${i}`,
      );
    }
    // The flood the client is not reading: far more than one batch.
    await flood(device.socket, 3 * 1024 * 1024);
    total += 3 * 1024 * 1024;
    await until(() => capturedRx(e, id) === total, 10_000, 'the capture store to hold the flood');
    await sleep(10 * BATCH_INTERVAL_MS);
    expect(rx.headers).toHaveLength(base + MAX_UNACKED_BATCHES);
    expect(stream.counters()).toMatchObject({
      batchesSent: base + MAX_UNACKED_BATCHES,
      inFlight: MAX_UNACKED_BATCHES,
      lastAcked: base,
    });

    rx.autoAck = true;
    rx.ack();
    await rx.until(() => caughtUp(e, rx, id), 10_000, 'the client to catch up');
    const records = rx.recordsOf(id);
    const store = e.capture(id)!;
    expect(rx.skippedOf(id)).toBeGreaterThan(0);
    expect(rx.skippedOf(id) + records.length).toBe(store.nextSeq - 1);
    expectStrictlyIncreasing(records.map((r) => r.seq));
    // What did arrive is exactly what the store holds under that seq.
    for (const r of records) {
      const kept = store.get(r.seq);
      if (kept) expect(r.bytes.equals(Buffer.from(kept.bytes))).toBe(true);
    }
    // Skipping ahead means the newest: the first batch after the ack ends with the newest record there was.
    expect(rx.headers[base + MAX_UNACKED_BATCHES]!.sessions.find((s) => s.sessionId === id)!.skipped).toBeGreaterThan(
      0,
    );
    expect(stream.counters().sessions.find((s) => s.sessionId === id)).toMatchObject({
      sent: records.length,
      skipped: rx.skippedOf(id),
    });
    expectWellFormed(rx);
  });

  it(`sends at most one batch per ${BATCH_INTERVAL_MS} ms and none over ${MAX_BATCH_BYTES / 1024} KiB while three sessions flood and clients come and go`, async () => {
    const e = engine();
    const started = performance.now();
    const { rx } = client(e);
    const sessions = await Promise.all([server(e), server(e), server(e)]);
    const devices = await Promise.all(sessions.map((s) => peer(s.port)));
    const totals = sessions.map((_s, i) => (i + 1) * 4 * 1024 * 1024);
    await Promise.all([
      ...devices.map((d, i) => flood(d.socket, totals[i]!, 16 * 1024 * (i + 1))),
      (async () => {
        for (let i = 0; i < 30; i++) {
          const p = await tcpPeer(sessions[i % 3]!.port);
          p.socket.end(`hello ${i}`);
          totals[i % 3]! += `hello ${i}`.length;
        }
      })(),
    ]);
    await until(() => sessions.every((s, i) => capturedRx(e, s.id) === totals[i]), 20_000, 'the floods to land');
    for (const s of sessions) await rx.until(() => caughtUp(e, rx, s.id), 10_000, `session ${s.id} to catch up`);
    const elapsed = performance.now() - started;

    // A bounded run: batches can only have gone out at the interval, plus the one sent at once.
    expect(rx.headers.length).toBeLessThanOrEqual(Math.ceil(elapsed / BATCH_INTERVAL_MS) + 1);
    expectWellFormed(rx);
    for (const s of sessions) {
      const records = rx.recordsOf(s.id);
      expectStrictlyIncreasing(records.map((r) => r.seq));
      expect(rx.skippedOf(s.id) + records.length).toBe(e.capture(s.id)!.nextSeq - 1);
    }
    expect(rx.events.filter((ev) => ev.type === 'connection.opened')).toHaveLength(33);
  });

  it('a quiet session gets through in full while another floods', async () => {
    const e = engine();
    const { rx } = client(e);
    const loud = await server(e);
    const quiet = await server(e);
    const loudDevice = await peer(loud.port);
    const quietDevice = await peer(quiet.port);
    const flooding = flood(loudDevice.socket, 16 * 1024 * 1024);
    const lines: string[] = [];
    for (let i = 0; i < 20; i++) {
      const line = `status ${i}\n`;
      quietDevice.socket.write(line);
      lines.push(line);
      await sleep(5);
    }
    await flooding;
    await until(() => capturedRx(e, quiet.id) === lines.join('').length, 5000, 'the quiet lines to land');
    await rx.until(() => caughtUp(e, rx, quiet.id), 10_000, 'the quiet session to catch up');
    expect(rx.skippedOf(quiet.id)).toBe(0);
    expect(Buffer.concat(rx.recordsOf(quiet.id).map((r) => r.bytes)).toString()).toBe(lines.join(''));
    expectWellFormed(rx);
  });

  it('after capture.clear the client moves on without counting the cleared records as skipped', async () => {
    const { e, rx, id, device } = await stalledBy('before');
    // Not acknowledged: these wait in the store, never offered.
    device.socket.write('pending one');
    await until(() => capturedRx(e, id) === 'beforepending one'.length, 5000, 'the pending bytes');
    const cleared = await e.run({ type: 'capture.clear', sessionId: id });
    expect(cleared).toMatchObject({ ok: true, value: { cleared: 2 } });
    device.socket.write('after');
    await until(() => capturedRx(e, id) === 'after'.length, 5000, 'the bytes after the clear');

    rx.autoAck = true;
    rx.ack();
    await rx.until(() => caughtUp(e, rx, id), 5000, 'the bytes after the clear');
    expect(rx.skippedOf(id)).toBe(0);
    expect(rx.recordsOf(id).map((r) => r.bytes.toString())).toEqual(['before', 'after']);
    const clearedEvent = rx.events.find((ev) => ev.type === 'capture.cleared');
    expect(clearedEvent).toEqual({ type: 'capture.cleared', sessionId: id, nextSeq: 3 });
    expect(rx.recordsOf(id)[1]!.seq).toBe(3);
  });

  it('a client that connects to a running session starts with what arrives from then on', async () => {
    const e = engine();
    const { id, port } = await server(e);
    const device = await peer(port);
    device.socket.write('history');
    await until(() => capturedRx(e, id) === 7, 5000, 'the history');
    const nextSeq = e.capture(id)!.nextSeq;

    const { rx } = client(e);
    device.socket.write('live');
    await rx.until(() => caughtUp(e, rx, id), 5000, 'the live bytes');
    expect(rx.recordsOf(id).map((r) => [r.seq, r.bytes.toString()])).toEqual([[nextSeq, 'live']]);
    expect(rx.skippedOf(id)).toBe(0);
  });

  it('forgets a removed session', async () => {
    const e = engine();
    const { rx, stream } = client(e);
    const { id, port } = await server(e);
    const device = await peer(port);
    device.socket.write('x');
    await rx.until(() => caughtUp(e, rx, id), 5000, 'the record');
    expect(stream.counters().sessions.map((s) => s.sessionId)).toEqual([id]);
    await e.run({ type: 'session.remove', sessionId: id });
    await rx.until(
      () => (rx.events.some((ev) => ev.type === 'session.removed') ? true : undefined),
      5000,
      'session.removed',
    );
    expect(stream.counters().sessions).toEqual([]);
  });

  it('carries a long record cut to what a batch may carry, with its full length', async () => {
    const e = engine();
    const { rx } = client(e);
    const { id, port } = await server(e);
    const device = await peer(port);
    await rx.until(
      () => (rx.events.some((ev) => ev.type === 'connection.opened') ? true : undefined),
      5000,
      'connection.opened',
    );
    const payload = 'abcdefghij'.repeat(20_000);
    const sent = await e.run({ type: 'send', sessionId: id, payload: { data: payload } });
    expect(sent).toMatchObject({ ok: true, value: { bytes: payload.length } });
    await device.waitForBytes(payload.length);
    await rx.until(() => caughtUp(e, rx, id), 5000, 'the tx record');
    const [record] = rx.recordsOf(id);
    expect(record).toMatchObject({ dir: 'tx', fullLength: payload.length });
    expect(record!.bytes.toString()).toBe(payload.slice(0, MAX_RECORD_BYTES_IN_BATCH));
  });

  it('shares a small batch between sessions by cutting each one’s newest record to its share', async () => {
    const e = engine();
    const { rx, stream } = client(e, { maxBatchBytes: 16 * 1024, maxUnacked: 1 });
    const a = await server(e);
    const b = await server(e);
    const da = await peer(a.port);
    const db = await peer(b.port);
    await until(
      () => rx.events.filter((ev) => ev.type === 'connection.opened').length === 2 && stream.counters().inFlight === 0,
      5000,
      'both connections',
    );
    rx.autoAck = false;
    da.socket.write('first');
    await rx.until(() => caughtUp(e, rx, a.id), 5000, 'the batch that fills the unacknowledged limit');
    const before = rx.headers.length;
    // Both arrive while the client has its limit out, so the next batch must carry both.
    da.socket.write(Buffer.alloc(60_000, 0x61));
    db.socket.write(Buffer.alloc(60_000, 0x62));
    await until(() => capturedRx(e, a.id) === 60_005 && capturedRx(e, b.id) === 60_000, 5000, 'both floods');
    rx.autoAck = true;
    rx.ack();
    await rx.until(() => (caughtUp(e, rx, a.id) && caughtUp(e, rx, b.id) ? true : undefined), 5000, 'both sessions');
    expect(Math.max(...rx.sizes)).toBeLessThanOrEqual(16 * 1024);
    const second = rx.headers[before]!;
    expect(second.sessions.map((s) => s.sessionId).sort()).toEqual([a.id, b.id].sort());
    for (const s of [a, b]) {
      const newest = rx.recordsOf(s.id).at(-1)!;
      expect(newest.bytes.length).toBeGreaterThan(1000);
      expect(newest.bytes.length).toBeLessThan(newest.fullLength);
      expect(
        newest.bytes.equals(Buffer.from(e.capture(s.id)!.get(newest.seq)!.bytes.subarray(0, newest.bytes.length))),
      ).toBe(true);
    }
  });

  it('drops the control events of a client that stopped acknowledging once they pass the bound, and asks it to resync', async () => {
    const e = engine();
    const { rx, stream } = client(e, { autoAck: false, maxUnacked: 1, maxPendingEvents: 20 });
    const { port } = await server(e);
    await rx.until(() => (rx.headers.length === 1 ? true : undefined), 5000, 'the first batch');
    for (let i = 0; i < 30; i++) {
      const p = await peer(port);
      p.socket.end();
    }
    await until(() => stream.counters().eventsDropped > 0, 5000, 'events to be dropped');
    rx.autoAck = true;
    rx.ack();
    await rx.until(() => (rx.headers.length >= 2 ? true : undefined), 5000, 'the resync batch');
    expect(rx.headers[1]!.resync).toBe(true);
    expect(rx.headers.slice(2).some((h) => h.resync)).toBe(false);
    expect(stream.counters()).toMatchObject({ resyncs: 1 });
    // Nothing queued was kept past the bound.
    expect(
      rx.events.filter((ev) => ev.type !== 'session.added' && ev.type !== 'session.state').length,
    ).toBeLessThanOrEqual(20 + 1);
  });

  it('ignores acknowledgements for batches never sent, already acknowledged, or not batch ids at all', async () => {
    const e = engine();
    const { rx, stream } = client(e);
    const { port } = await server(e);
    const device = await peer(port);
    await settled(rx, stream);
    rx.autoAck = false;
    const base = rx.headers.length;
    for (let i = 1; i <= 3; i++) {
      device.socket.write(`n${i}`);
      await rx.until(() => (rx.headers.length === base + i ? true : undefined), 5000, `batch ${i}`);
    }
    for (const bogus of [
      0,
      -1,
      base - 1,
      base,
      1.5,
      base + 1.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      base + 4,
      99,
      2 ** 60,
    ])
      stream.ack(bogus);
    expect(stream.counters()).toMatchObject({ lastAcked: base, inFlight: 3 });
    stream.ack(base + 2);
    expect(stream.counters()).toMatchObject({ lastAcked: base + 2, inFlight: 1 });
    stream.ack(base + 1);
    stream.ack(base + 2);
    expect(stream.counters()).toMatchObject({ lastAcked: base + 2, inFlight: 1 });
    stream.ack(base + 3);
    expect(stream.counters()).toMatchObject({ lastAcked: base + 3, inFlight: 0 });
  });

  it('restart() lets the stream send to a client that replaced one that will never acknowledge; late acks from the old one change nothing', async () => {
    const { e, rx, stream, id, device } = await stalledBy('to the old page');
    const lost = rx.lastBatchId;
    device.socket.write('to the new page');
    await until(() => capturedRx(e, id) === 30, 5000, 'the second write');
    await sleep(5 * BATCH_INTERVAL_MS);
    expect(rx.lastBatchId).toBe(lost);

    stream.restart();
    await rx.until(() => caughtUp(e, rx, id), 5000, 'the batch after the restart');
    expect(rx.recordsOf(id).at(-1)?.bytes.toString()).toBe('to the new page');
    expect(rx.skippedOf(id)).toBe(0);
    stream.ack(lost);
    expect(stream.counters()).toMatchObject({ lastAcked: lost, inFlight: 1 });
  });

  it('a delivery that throws loses nothing: the batch is built again and ids stay consecutive', async () => {
    const e = engine();
    let failures = 2;
    let stream: EventStream | undefined;
    const rx = new BatchReceiver((batchId) => stream?.ack(batchId));
    stream = new EventStream(e, (bytes) => {
      if (failures > 0) {
        failures--;
        throw new Error('the page is busy');
      }
      rx.receive(bytes);
    });
    cleanups.push(() => stream.close());
    const { id, port } = await server(e);
    const device = await peer(port);
    device.socket.write('kept');
    await rx.until(() => caughtUp(e, rx, id), 5000, 'the record');
    expect(rx.recordsOf(id).map((r) => r.bytes.toString())).toEqual(['kept']);
    expect(rx.skippedOf(id)).toBe(0);
    expect(stream.counters().deliverFailures).toBe(2);
    expectWellFormed(rx);
    expect(rx.events.map((ev) => ev.type).slice(0, 2)).toEqual(['session.added', 'session.state']);
  });

  it('a closed stream sends nothing more', async () => {
    const e = engine();
    const { rx, stream } = client(e);
    const { id, port } = await server(e);
    const device = await peer(port);
    device.socket.write('one');
    await rx.until(() => caughtUp(e, rx, id), 5000, 'the record');
    const count = rx.headers.length;
    stream.close();
    device.socket.write('two');
    await until(() => capturedRx(e, id) === 6, 5000, 'the second record');
    await sleep(5 * BATCH_INTERVAL_MS);
    expect(rx.headers).toHaveLength(count);
  });
});
