import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CaptureRecord, EngineEvent } from '../../shared/contract';
import { Harness, until } from '../helpers/harness';
import { startPeer, startPythonProgram, stopAll } from '../helpers/processes';

// The TCP receive path reads straight into capture memory while a peer sends in bulk (engine/tcp-read.ts):
// what a user must still see is every byte, in order, per connection, and a capture whose held records are
// exactly the newest part of what was sent, whatever was evicted and reused under it.

const MIB = 1024 * 1024;

let h: Harness;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sockpit-ingest-'));
});
afterEach(async () => {
  await h?.close();
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

type Closed = Extract<EngineEvent, { type: 'connection.closed' }>;
const closedEvents = () => h.events.filter((e): e is Closed => e.type === 'connection.closed');

/** What the store still holds for one connection, read after the flood (copies, oldest first). */
function held(sessionId: string, connectionId: string): Buffer {
  const store = h.engine.capture(sessionId)!;
  const records: CaptureRecord[] = store.read(0, Number.POSITIVE_INFINITY).records;
  return Buffer.concat(records.filter((r) => r.dir === 'rx' && r.connectionId === connectionId).map((r) => r.bytes));
}

/**
 * Checks one connection's records against the file holding what its peer sent; returns how many of its
 * bytes the capture still holds.
 */
function expectConnection(sessionId: string, connectionId: string, sentFile: string): number {
  const sent = readFileSync(sentFile);
  // Every record, as the harness read it when it arrived.
  expect(h.bytes(sessionId, 'rx', connectionId).equals(sent)).toBe(true);
  // What the capture still holds, read long after: the tail of the stream, byte for byte.
  const tail = held(sessionId, connectionId);
  expect(tail.equals(sent.subarray(sent.byteLength - tail.byteLength))).toBe(true);
  return tail.byteLength;
}

// Floods from python under a busy machine: more time than the default.
describe('TCP ingest into the capture', { timeout: 60_000 }, () => {
  it('a 24 MiB flood from a python client: every byte in order, and the capture holds exactly its newest part', async () => {
    h = new Harness();
    const cap = 2 * MIB;
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0, captureCapBytes: cap });
    const copy = path.join(dir, 'sent.bin');
    const peer = startPeer('bulk_tcp_client.py', ['127.0.0.1', server.port, 24, copy]);
    await peer.exited();
    expect(peer.stdout()).toContain(`sent ${24 * MIB} bytes`);
    await until(() => closedEvents().length === 1, 20_000, 'the client to disconnect');
    const connectionId = closedEvents()[0]!.connection.connectionId;
    expect(expectConnection(server.id, connectionId, copy)).toBeGreaterThan(cap / 2);

    // However much one read brought, no record is longer than a row of the window holds whole.
    expect(Math.max(...h.records(server.id).map((r) => r.bytes.byteLength))).toBeLessThanOrEqual(64 * 1024);
    const stats = await h.run({ type: 'stats.get', sessionId: server.id });
    expect(stats.counters.bytesIn).toBe(24 * MIB);
    expect(stats.capture.bytes + stats.capture.evictedBytes).toBe(24 * MIB);
    expect(stats.capture.bytes + stats.capture.records * 64).toBeLessThanOrEqual(cap);
    expect(stats.capture.evictedRecords).toBeGreaterThan(0);
    expect(h.malformed).toEqual([]);
  });

  it('three clients flooding at once: each connection gets exactly its own stream', async () => {
    h = new Harness();
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0, captureCapBytes: 8 * MIB });
    const copies = [0, 1, 2].map((i) => path.join(dir, `sent-${i}.bin`));
    const peers = copies.map((copy) => startPeer('bulk_tcp_client.py', ['127.0.0.1', server.port, 8, copy]));
    await Promise.all(peers.map((peer) => peer.exited()));
    await until(() => closedEvents().length === 3, 20_000, 'the clients to disconnect');
    // All three send the same seeded bytes, so any copy is what each connection must have got, whole. The
    // 8 MiB cap holds the newest records of whichever connections sent last.
    let heldBytes = 0;
    for (const closed of closedEvents()) {
      expect(closed.connection.counters.bytesIn).toBe(8 * MIB);
      heldBytes += expectConnection(server.id, closed.connection.connectionId, copies[0]!);
    }
    expect(heldBytes).toBeGreaterThan(4 * MIB);
    for (const copy of copies.slice(1)) expect(readFileSync(copy).equals(readFileSync(copies[0]!))).toBe(true);
  });

  it('echo sends a bulk stream back whole, recorded as tx in pieces no longer than the reads', async () => {
    h = new Harness();
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0, echo: true });
    const copy = path.join(dir, 'sent.bin');
    const peer = startPeer('bulk_tcp_client.py', ['127.0.0.1', server.port, 2, copy]);
    await peer.exited();
    expect(peer.stdout()).toContain(`received ${2 * MIB} bytes`);
    await until(() => closedEvents().length === 1, 20_000, 'the client to disconnect');
    const sent = readFileSync(copy);
    expect(h.bytes(server.id, 'rx').equals(sent)).toBe(true);
    expect(h.bytes(server.id, 'tx').equals(sent)).toBe(true);
    const tx = h.records(server.id).filter((r) => r.dir === 'tx');
    expect(Math.max(...tx.map((r) => r.bytes.byteLength))).toBeLessThanOrEqual(64 * 1024);
  });

  it('a TCP client session receives an 8 MiB flood from a python server, the capture cleared halfway', async () => {
    h = new Harness();
    const copy = path.join(dir, 'sent.bin');
    const program = [
      'import random, socket',
      'server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)',
      'server.bind(("127.0.0.1", 0))',
      'server.listen(1)',
      'print("listening on port", server.getsockname()[1], flush=True)',
      'conn, _ = server.accept()',
      'rng = random.Random(9)',
      `with open(${JSON.stringify(copy)}, "wb") as copy:`,
      '    for half in range(2):',
      '        for _ in range(64):',
      '            block = rng.randbytes(65536)',
      '            copy.write(block)',
      '            conn.sendall(block)',
      // The second half waits for a byte from the session, sent once the capture is cleared: without it the
      // engine takes the whole flood before the clear lands, and nothing comes after it.
      '        if half == 0:',
      '            conn.recv(1)',
      'conn.shutdown(socket.SHUT_WR)',
      'conn.recv(1)',
      'conn.close()',
    ].join('\n');
    const peer = startPythonProgram(program);
    const port = Number((await peer.waitForLine(/listening on port (\d+)/))[1]);
    const client = await h.start({ kind: 'tcp-client', host: '127.0.0.1', port, captureCapBytes: 2 * MIB });
    await until(() => h.byteCount(client.id, 'rx') >= 4 * MIB, 25_000, 'half the flood');
    await h.run({ type: 'capture.clear', sessionId: client.id });
    await h.run({ type: 'send', sessionId: client.id, payload: { data: 'g' } });
    await until(() => h.byteCount(client.id, 'rx') === 8 * MIB, 25_000, 'the whole flood');
    await h.run({ type: 'session.stop', sessionId: client.id });
    await peer.exited();
    const connectionId = h.records(client.id)[0]!.connectionId!;
    expect(expectConnection(client.id, connectionId, copy)).toBeGreaterThan(1 * MIB);
  });
});
