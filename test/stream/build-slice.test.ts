import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../engine/engine';
import { EventStream } from '../../stream/event-stream';
import { until } from '../helpers/harness';
import { startPythonProgram, stopAll } from '../helpers/processes';
import { BatchReceiver } from './helpers';

// A batch is built on the thread that reads the sockets, so writing records into it stops once its time slice
// is spent; what did not fit in time goes in the next batch, neither lost nor counted as skipped. The clock
// here is the stream's own (EventStreamOptions.now), moved on a millisecond per reading, so the cut falls
// within a known number of records whatever the machine's speed.

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await stopAll();
});

const DATAGRAMS = 3000;

async function udpSession(engine: Engine): Promise<{ sessionId: string; port: number }> {
  const created = await engine.run({
    type: 'session.create',
    config: { kind: 'udp', host: '127.0.0.1', port: 0, recvBufferBytes: 4 * 1024 * 1024 },
  });
  if (!created.ok) throw new Error(created.error.message);
  const sessionId = created.value.sessionId;
  const started = await engine.run({ type: 'session.start', sessionId });
  if (!started.ok) throw new Error(started.error.message);
  return { sessionId, port: Number(/:(\d+)$/.exec(started.value.local ?? '')?.[1]) };
}

/** A tutorial python sender: `count` numbered datagrams to each port, in small bursts, then "done". */
function send(ports: number[], counts: number[]) {
  return startPythonProgram(`
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for port, count in zip(${JSON.stringify(ports)}, ${JSON.stringify(counts)}):
    for n in range(count):
        s.sendto(b"%08d" % n, ("127.0.0.1", port))
        if n % 100 == 99:
            time.sleep(0.002)
print("done")
`);
}

describe('batch building in time slices', () => {
  it('a backlog that fits one batch by size but not by time arrives whole, in order, over several batches', async () => {
    const engine = new Engine({ statsIntervalMs: 0 });
    cleanups.push(() => engine.shutdown());
    const { sessionId, port } = await udpSession(engine);

    // Real time, plus a millisecond for every reading: intervals pass as usual, and a build's slice runs out
    // after a known number of readings (sooner, never later, on a slow machine).
    let readings = 0;
    let stream: EventStream | undefined;
    const rx = new BatchReceiver((batchId) => stream?.ack(batchId), { autoAck: false });
    stream = new EventStream(engine, (bytes) => rx.receive(bytes), {
      maxUnacked: 1,
      buildSliceMs: 3,
      now: () => performance.now() + ++readings,
    });
    cleanups.push(() => stream.close());

    // The first datagram's batch goes out and stays unacknowledged while the rest piles up in the capture.
    const sender = send([port], [DATAGRAMS]);
    await sender.waitForLine(/^done$/);
    await until(() => (engine.capture(sessionId)?.nextSeq ?? 0) > DATAGRAMS, 5000, 'every datagram in the capture');
    const before = rx.headers.length;
    rx.autoAck = true;
    rx.ack();
    await until(
      () => rx.recordsOf(sessionId).length + (rx.skipped.get(sessionId) ?? 0) >= DATAGRAMS,
      5000,
      'the backlog',
    );

    const records = rx.recordsOf(sessionId);
    expect(rx.skipped.get(sessionId) ?? 0).toBe(0);
    expect(records.map((record) => Buffer.from(record.bytes).toString())).toEqual(
      Array.from({ length: DATAGRAMS }, (_, n) => String(n).padStart(8, '0')),
    );
    // The backlog of ~3000 records of 8 bytes fits one 256 KiB batch by size; the 3 ms slice, with the clock read
    // every 128 records, cut it into batches of at most 512.
    const backlogBatches = rx.headers.slice(before).map((header) => header.sessions[0]?.count ?? 0);
    expect(backlogBatches.reduce((sum, count) => sum + count, 0)).toBeGreaterThan(2000);
    expect(Math.max(...backlogBatches)).toBeLessThanOrEqual(512);
  });

  it('a flood cut for time leaves a share of the slice to a quiet session: its records come in the next batch', async () => {
    const engine = new Engine({ statsIntervalMs: 0 });
    cleanups.push(() => engine.shutdown());
    const one = await udpSession(engine);
    const two = await udpSession(engine);
    // Sections go in session id order: the flood goes to the session whose records are written first.
    const [flood, quiet] = one.sessionId < two.sessionId ? [one, two] : [two, one];

    let readings = 0;
    let stream: EventStream | undefined;
    const rx = new BatchReceiver((batchId) => stream?.ack(batchId), { autoAck: false });
    stream = new EventStream(engine, (bytes) => rx.receive(bytes), {
      maxUnacked: 1,
      buildSliceMs: 3,
      now: () => performance.now() + ++readings,
    });
    cleanups.push(() => stream.close());

    const sender = send([flood.port, quiet.port], [DATAGRAMS, 5]);
    await sender.waitForLine(/^done$/);
    await until(() => (engine.capture(quiet.sessionId)?.nextSeq ?? 0) > 5, 5000, 'the quiet session’s datagrams');
    await until(() => (engine.capture(flood.sessionId)?.nextSeq ?? 0) > DATAGRAMS, 5000, 'the flood');
    const before = rx.headers.length;
    rx.ack();
    await until(() => rx.headers.length > before, 5000, 'the next batch');

    const next = rx.headers[before]!;
    const count = (sessionId: string) => next.sessions.find((section) => section.sessionId === sessionId)?.count ?? 0;
    expect(count(flood.sessionId)).toBeGreaterThan(0);
    expect(count(flood.sessionId)).toBeLessThan(DATAGRAMS - 1);
    expect(count(quiet.sessionId)).toBe(5);
  });
});
