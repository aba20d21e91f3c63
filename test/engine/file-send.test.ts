import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../shared/contract';
import { FILE_PUSH_CHUNK_BYTES } from '../../shared/contract';
import { Harness } from '../helpers/harness';
import { startPeer, stopAll } from '../helpers/processes';

type Ended = Extract<EngineEvent, { type: 'file.send.ended' }>;
type Progress = Extract<EngineEvent, { type: 'file.send.progress' }>;

let h: Harness;
let folder: string;
beforeAll(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'sockpit-file-send-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));
afterEach(async () => {
  await h?.close();
  await stopAll();
});

/** A file of random bytes (random, so a lost or repeated part cannot hash the same). */
function randomFile(name: string, bytes: number): { file: string; sha256: string; data: Buffer } {
  const data = randomBytes(bytes);
  const file = path.join(folder, name);
  writeFileSync(file, data);
  return { file, sha256: createHash('sha256').update(data).digest('hex'), data };
}

const ended =
  (jobId: string) =>
  (e: EngineEvent): e is Ended =>
    e.type === 'file.send.ended' && e.job.jobId === jobId;

async function tcpClientTo(port: number): Promise<string> {
  const { id } = await h.start({ kind: 'tcp-client', host: '127.0.0.1', port });
  return id;
}

/** python3 server hashing what it receives; resolves its port once it listens. */
async function hashingServer(expected: number) {
  const peer = startPeer('sha256_tcp_server.py', [0, expected]);
  const port = Number((await peer.waitForLine(/listening on port (\d+)/))[1]);
  return { peer, port };
}

describe('file send over TCP', () => {
  it('streams a 24 MiB file to a python3 server byte for byte, with progress and a done end', async () => {
    h = new Harness({ keepRecords: false });
    const { file, sha256 } = randomFile('firmware.bin', 24 * 1024 * 1024);
    const { peer, port } = await hashingServer(24 * 1024 * 1024);
    const sessionId = await tcpClientTo(port);
    const started = await h.run({ type: 'file.send.start', sessionId, source: { kind: 'path', path: file } });
    expect(started).toMatchObject({ name: 'firmware.bin', totalBytes: 24 * 1024 * 1024, state: 'sending' });
    const end = await h.waitFor(ended(started.jobId), 30_000);
    expect(end.job).toMatchObject({ state: 'done', sentBytes: 24 * 1024 * 1024, destinations: 1 });
    const line = await peer.waitForLine(/received (\d+) sha256 (\w+)/, 30_000);
    expect(Number(line[1])).toBe(24 * 1024 * 1024);
    expect(line[2]).toBe(sha256);
    // Every byte is counted and recorded as tx, one record per 64 KiB write.
    expect(h.byteCount(sessionId, 'tx')).toBe(24 * 1024 * 1024);
    const stats = await h.run({ type: 'stats.get', sessionId });
    expect(stats.counters.bytesOut).toBe(24 * 1024 * 1024);
    expect(stats.counters.packetsOut).toBe(24 * 16);
  }, 60_000);

  it('takes pushed parts one at a time, the way a browser page sends a picked file', async () => {
    h = new Harness({ keepRecords: false });
    const size = 3 * FILE_PUSH_CHUNK_BYTES + 12345;
    const { sha256, data } = randomFile('pushed.bin', size);
    const { peer, port } = await hashingServer(size);
    const sessionId = await tcpClientTo(port);
    const job = await h.run({
      type: 'file.send.start',
      sessionId,
      source: { kind: 'push', name: 'pushed.bin', size },
    });
    // Out of order is refused in words, and loses nothing.
    const wrong = await h.engine.run({
      type: 'file.send.chunk',
      sessionId,
      jobId: job.jobId,
      offset: 5,
      data: 'AAAA',
    });
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(wrong.error.message).toMatch(/starts at byte 5, but 0 bytes .* have arrived/);
    for (let offset = 0; offset < size; offset += FILE_PUSH_CHUNK_BYTES) {
      const part = data.subarray(offset, offset + FILE_PUSH_CHUNK_BYTES);
      const taken = await h.run({
        type: 'file.send.chunk',
        sessionId,
        jobId: job.jobId,
        offset,
        data: part.toString('base64'),
      });
      expect(taken.receivedBytes).toBe(offset + part.byteLength);
    }
    const end = await h.waitFor(ended(job.jobId), 20_000);
    expect(end.job.state).toBe('done');
    const line = await peer.waitForLine(/received (\d+) sha256 (\w+)/, 20_000);
    expect([Number(line[1]), line[2]]).toEqual([size, sha256]);
  }, 60_000);

  it('stops reading while the receiver does not read, stays bounded, and Cancel ends it with a reason', async () => {
    h = new Harness({ keepRecords: false });
    const { id: sessionId, port } = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const client = startPeer('stalled_tcp_client.py', ['127.0.0.1', port, 30]);
    await client.waitForLine(/connected/);
    await h.waitFor((e) => e.type === 'connection.opened');
    // 256 MiB of zeros without using the disk: a sparse file.
    const big = path.join(folder, 'big.img');
    writeFileSync(big, '');
    truncateSync(big, 256 * 1024 * 1024);
    const before = process.memoryUsage();
    const job = await h.run({ type: 'file.send.start', sessionId, source: { kind: 'path', path: big } });
    // Wait until progress stands still: two reports a second apart with the same count.
    let stalledAt = -1;
    for (let round = 0; round < 40 && stalledAt < 0; round++) {
      const first = await h.run({ type: 'stats.get', sessionId });
      await new Promise((resolve) => setTimeout(resolve, 500));
      const second = await h.run({ type: 'stats.get', sessionId });
      if (first.counters.bytesOut === second.counters.bytesOut && second.counters.bytesOut > 0)
        stalledAt = second.counters.bytesOut;
    }
    expect(stalledAt).toBeGreaterThan(0);
    // The kernel's buffers plus one window, not the file.
    expect(stalledAt).toBeLessThan(64 * 1024 * 1024);
    const after = process.memoryUsage();
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(64 * 1024 * 1024);
    const progress = h.events.filter(
      (e): e is Progress => e.type === 'file.send.progress' && e.job.jobId === job.jobId,
    );
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)!.job.sentBytes).toBeLessThanOrEqual(stalledAt);

    const cancelled = await h.run({ type: 'file.send.cancel', sessionId, jobId: job.jobId });
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.reason).toMatch(/^Cancelled after [\d.]+ (B|KiB|MiB) of 256\.0 MiB\.$/);
    const end = await h.waitFor(ended(job.jobId));
    expect(end.job.state).toBe('cancelled');
    // The session and its connection stay: only the file stopped.
    expect((await h.run({ type: 'connection.list', sessionId })).length).toBe(1);
    const again = await h.engine.run({ type: 'file.send.cancel', sessionId, jobId: job.jobId });
    expect(again.ok).toBe(false);
  }, 60_000);

  it('ends in words when the connection goes, and when the session stops', async () => {
    h = new Harness({ keepRecords: false });
    const { id: sessionId, port } = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const big = path.join(folder, 'sparse.img');
    writeFileSync(big, '');
    truncateSync(big, 128 * 1024 * 1024);

    const leaving = startPeer('stalled_tcp_client.py', ['127.0.0.1', port, 1.5]);
    await leaving.waitForLine(/connected/);
    await h.waitFor((e) => e.type === 'connection.opened');
    const first = await h.run({ type: 'file.send.start', sessionId, source: { kind: 'path', path: big } });
    const gone = await h.waitFor(ended(first.jobId), 15_000);
    expect(gone.job.state).toBe('failed');
    expect(gone.job.reason).toMatch(
      /^(Sending sparse\.img to 127\.0\.0\.1:\d+ stopped: .* [\d.]+ MiB of 128\.0 MiB went\.|The connection to 127\.0\.0\.1:\d+ closed after [\d.]+ MiB of 128\.0 MiB of sparse\.img\.)$/,
    );

    const staying = startPeer('stalled_tcp_client.py', ['127.0.0.1', port, 30]);
    await staying.waitForLine(/connected/);
    await h.waitFor(() => h.events.filter((e) => e.type === 'connection.opened').length >= 2);
    const second = await h.run({ type: 'file.send.start', sessionId, source: { kind: 'path', path: big } });
    // One file per session at a time.
    const busy = await h.engine.run({ type: 'file.send.start', sessionId, source: { kind: 'path', path: big } });
    expect(busy.ok).toBe(false);
    if (!busy.ok) expect(busy.error.message).toMatch(/already sending sparse\.img/);
    await h.run({ type: 'session.stop', sessionId });
    const stopped = await h.waitFor(ended(second.jobId));
    expect(stopped.job).toMatchObject({ state: 'cancelled' });
    expect(stopped.job.reason).toMatch(/^The session was stopped after /);
  }, 60_000);
});

describe('file send over UDP', () => {
  it('splits a file into datagrams of the chosen size that a python3 socket receives in order', async () => {
    h = new Harness();
    const size = 200 * 1000 + 321;
    const { file, sha256 } = randomFile('table.csv', size);
    const expectedCount = Math.ceil(size / 1000);
    const peer = startPeer('udp_datagram_log.py', [0, expectedCount]);
    const port = Number((await peer.waitForLine(/listening on port (\d+)/))[1]);
    const { id: sessionId } = await h.start({
      kind: 'udp',
      host: '127.0.0.1',
      port: 0,
      remoteHost: '127.0.0.1',
      remotePort: port,
    });
    const job = await h.run({
      type: 'file.send.start',
      sessionId,
      source: { kind: 'path', path: file },
      chunkBytes: 1000,
      pauseMs: 1,
    });
    const end = await h.waitFor(ended(job.jobId), 20_000);
    expect(end.job).toMatchObject({ state: 'done', sentBytes: size, datagrams: expectedCount, chunkBytes: 1000 });
    const sizes = (await peer.waitForLine(/^sizes (.*)/, 20_000))[1].split(',').map(Number);
    expect(sizes).toEqual([...Array(expectedCount - 1).fill(1000), size % 1000]);
    const line = await peer.waitForLine(/datagrams (\d+) sha256 (\w+)/);
    expect([Number(line[1]), line[2]]).toEqual([expectedCount, sha256]);
    // Each datagram is one tx record.
    expect(h.records(sessionId).filter((r) => r.dir === 'tx')).toHaveLength(expectedCount);
  }, 40_000);

  it('refuses a datagram size UDP cannot carry, and a pause on TCP', async () => {
    h = new Harness();
    const { file } = randomFile('small.bin', 10);
    const { id: sessionId } = await h.start({
      kind: 'udp',
      host: '127.0.0.1',
      port: 0,
      remoteHost: '127.0.0.1',
      remotePort: 9,
    });
    const tooBig = await h.engine.run({
      type: 'file.send.start',
      sessionId,
      source: { kind: 'path', path: file },
      chunkBytes: 65508,
    });
    expect(tooBig.ok).toBe(false);
    if (!tooBig.ok)
      expect(tooBig.error.message).toBe('A UDP datagram carries at most 65507 bytes over IPv4; 65508 is too many.');
    const { id: serverId } = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const paused = await h.engine.run({
      type: 'file.send.start',
      sessionId: serverId,
      source: { kind: 'path', path: file },
      pauseMs: 5,
    });
    expect(paused.ok).toBe(false);
    if (!paused.ok) expect(paused.error.message).toMatch(/pause between datagrams applies to UDP/);
  });
});

describe('file send errors, in words, touching no socket', () => {
  async function failure(command: Record<string, unknown>): Promise<{ code: string; message: string }> {
    const result = await h.engine.execute({ type: 'file.send.start', ...command });
    if (result.ok) throw new Error('expected a failure');
    return result.error;
  }

  it('names a missing file, a folder, a relative path, a stopped session and a missing target', async () => {
    h = new Harness();
    const { id: serverId } = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const { file } = randomFile('ok.bin', 100);
    const missing = path.join(folder, 'nope.bin');
    expect(await failure({ sessionId: serverId, source: { kind: 'path', path: missing } })).toMatchObject({
      code: 'ENOENT',
      message: `There is no file ${missing}.`,
    });
    expect(await failure({ sessionId: serverId, source: { kind: 'path', path: folder } })).toMatchObject({
      code: 'EISDIR',
      message: `${folder} is a folder, not a file.`,
    });
    expect(await failure({ sessionId: serverId, source: { kind: 'path', path: 'relative.bin' } })).toMatchObject({
      message: '"relative.bin" is not an absolute path.',
    });
    // A server without clients has no one to send to.
    expect(await failure({ sessionId: serverId, source: { kind: 'path', path: file } })).toMatchObject({
      code: 'E_NO_TARGET',
      message: 'No client is connected, so there is no one to send the file to.',
    });
    // A UDP session without a default remote.
    const { id: udpId } = await h.start({ kind: 'udp', host: '127.0.0.1', port: 0 });
    expect(await failure({ sessionId: udpId, source: { kind: 'path', path: file } })).toMatchObject({
      code: 'E_NO_TARGET',
    });
    // A session that is not running.
    const created = await h.run({ type: 'session.create', config: { kind: 'tcp-client', host: '127.0.0.1', port: 9 } });
    expect(await failure({ sessionId: created.sessionId, source: { kind: 'path', path: file } })).toMatchObject({
      code: 'E_STATE',
      message: 'The client is not connected to 127.0.0.1:9.',
    });
    expect(h.events.some((e) => e.type === 'file.send.progress' || e.type === 'file.send.ended')).toBe(false);
  });

  it('names a file it may not read', async (ctx) => {
    h = new Harness();
    if (process.getuid?.() === 0) ctx.skip('an unreadable file needs a user other than root (root reads any file)');
    const locked = randomFile('locked.bin', 10).file;
    chmodSync(locked, 0o000);
    const { id: udpWithRemote } = await h.start({
      kind: 'udp',
      host: '127.0.0.1',
      port: 0,
      remoteHost: '127.0.0.1',
      remotePort: 9,
    });
    expect(await failure({ sessionId: udpWithRemote, source: { kind: 'path', path: locked } })).toMatchObject({
      code: 'EACCES',
      message: `Sockpit may not read ${locked}.`,
    });
  });
});
