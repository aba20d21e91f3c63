import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FILE_HIGH_WATER_BYTES } from '../../engine/capture-file';
import { readCaptureFile, type CaptureFileRecord } from '../../shared/contract/capture-file';
import type { CaptureFileInfo, EngineEvent, SessionInfo } from '../../shared/contract';
import type { Result } from '../../shared/result';
import { Harness, until } from '../helpers/harness';
import { needs } from '../helpers/peers';
import { startPeer, startProgram, stopAll } from '../helpers/processes';

// Capture to file: every byte reaches the file whatever the capture store (and any view) keeps. Peers
// are python tutorial-style programs; files are real files in a temporary folder.

type StateEvent = Extract<EngineEvent, { type: 'session.state' }>;
type ErrorEvent = Extract<EngineEvent, { type: 'error' }>;
const MIB = 1024 * 1024;

let h: Harness;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sockpit-capture-file-'));
});
afterEach(async () => {
  await h?.close();
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function fileState(sessionId: string, state: CaptureFileInfo['state']) {
  return (e: EngineEvent): e is StateEvent =>
    e.type === 'session.state' && e.session.sessionId === sessionId && e.session.captureFile?.state === state;
}

function readRecords(file: string): { records: CaptureFileRecord[]; trailingBytes: number } {
  const read = readCaptureFile(readFileSync(file));
  if (!read.ok) throw new Error(read.error.message);
  return read.value;
}

async function startFile(
  sessionId: string,
  file: string,
  format: 'raw' | 'records',
  append = false,
): Promise<Result<CaptureFileInfo>> {
  return (await h.engine.run({
    type: 'capture.file.start',
    sessionId,
    path: file,
    format,
    append,
  })) as Result<CaptureFileInfo>;
}

/** Polls the session's counters until `condition` holds; fails after `timeoutMs`, naming `what`. */
async function untilCounters(
  sessionId: string,
  condition: (counters: { bytesIn: number; packetsIn: number }) => boolean,
  what: string,
  timeoutMs = 20_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { counters } = await h.run({ type: 'stats.get', sessionId });
    if (condition(counters)) return counters;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; counters ${JSON.stringify(counters)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits for the python client's last line: "sent N bytes sha256 X". */
async function sentBy(peer: ReturnType<typeof startPeer>): Promise<{ bytes: number; sha: string }> {
  const done = await peer.exited(60_000);
  const match = /sent (\d+) bytes sha256 ([0-9a-f]{64})/.exec(done.stdout);
  if (!match) throw new Error(`the peer did not finish: ${done.stdout} ${done.stderr}`);
  return { bytes: Number(match[1]), sha: match[2] };
}

describe('capture file while the capture store is small', () => {
  it('raw: a 64 MiB flood reaches the file byte for byte although the store keeps 256 KiB', async () => {
    h = new Harness({ keepRecords: false });
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0, captureCapBytes: 256 * 1024 });
    const file = path.join(dir, 'received.bin');
    const started = await startFile(server.id, file, 'raw');
    expect(started.ok && started.value).toMatchObject({ path: file, format: 'raw', state: 'writing', bytesWritten: 0 });
    const sent = await sentBy(startPeer('bulk_tcp_client.py', ['127.0.0.1', server.port, 64]));
    expect(sent.bytes).toBe(64 * MIB);
    await until(() => h.events.some((e) => e.type === 'connection.closed'), 20_000, 'the peer to disconnect');
    const stats = await h.run({ type: 'stats.get', sessionId: server.id });
    expect(stats.capture.bytes).toBeLessThanOrEqual(256 * 1024);
    expect(stats.capture.evictedBytes).toBeGreaterThan(0);

    const stopped = await h.run({ type: 'capture.file.stop', sessionId: server.id });
    expect(stopped).toMatchObject({
      state: 'closed',
      bytesWritten: 64 * MIB,
      records: stats.counters.packetsIn,
      pendingBytes: 0,
      droppedRecords: 0,
    });
    expect(stopped.note).toMatch(/^Saved 64\.0 MiB \(\d+ records\) to /);
    expect(statSync(file).size).toBe(64 * MIB);
    expect(sha256(readFileSync(file))).toBe(sent.sha);
    const info = (await h.run({ type: 'session.list' })).find((s) => s.sessionId === server.id)!;
    expect(info.captureFile).toMatchObject({ state: 'closed', bytesWritten: 64 * MIB });
  });

  it('records: a 64 MiB flood plus our own sends read back as every record, in order, with their metadata', async () => {
    h = new Harness({ keepRecords: false });
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0, captureCapBytes: 256 * 1024 });
    const file = path.join(dir, 'capture.spcap');
    expect((await startFile(server.id, file, 'records')).ok).toBe(true);
    const peer = startPeer('bulk_tcp_client.py', ['127.0.0.1', server.port, 64]);
    const opened = (await h.waitFor((e) => e.type === 'connection.opened')) as Extract<
      EngineEvent,
      { type: 'connection.opened' }
    >;
    const { connectionId, peer: peerText } = opened.connection;
    await h.run({
      type: 'send',
      sessionId: server.id,
      payload: { data: '你好', encoding: 'gbk' },
      target: { to: 'all' },
    });
    await h.run({
      type: 'send',
      sessionId: server.id,
      payload: { mode: 'hex', data: '00 ff 10' },
      target: { to: 'all' },
    });
    const sent = await sentBy(peer);
    await until(() => h.events.some((e) => e.type === 'connection.closed'), 20_000, 'the peer to disconnect');
    const stats = await h.run({ type: 'stats.get', sessionId: server.id });
    const stopped = await h.run({ type: 'capture.file.stop', sessionId: server.id });

    expect(stats.counters.bytesIn).toBe(64 * MIB);
    const { records, trailingBytes } = readRecords(file);
    expect(trailingBytes).toBe(0);
    expect(stopped.bytesWritten).toBe(statSync(file).size);
    expect(records.length).toBe(stats.counters.packetsIn + stats.counters.packetsOut);
    expect(stopped.records).toBe(records.length);
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1));
    const rx = records.filter((r) => r.dir === 'rx');
    const tx = records.filter((r) => r.dir === 'tx');
    expect(sha256(Buffer.concat(rx.map((r) => r.bytes)))).toBe(sent.sha);
    expect(tx.map((r) => Buffer.from(r.bytes).toString('hex'))).toEqual(['c4e3bac3', '00ff10']);
    expect(records.every((r) => r.connectionId === connectionId && r.peer === peerText)).toBe(true);
    // Timestamps are real and never run backwards.
    expect(records[0].wallUs).toBeGreaterThan((Date.now() - 60_000) * 1000);
    for (let i = 1; i < records.length; i++) expect(records[i].monoUs).toBeGreaterThanOrEqual(records[i - 1].monoUs);
  });

  it('UDP: every paced datagram reaches the records file, one record per datagram', async () => {
    h = new Harness({ keepRecords: false });
    const udp = await h.start({ kind: 'udp', host: '127.0.0.1', port: 0, captureCapBytes: 256 * 1024 });
    const file = path.join(dir, 'udp.spcap');
    expect((await startFile(udp.id, file, 'records')).ok).toBe(true);
    const count = 20_000;
    const peer = startPeer('paced_udp_sender.py', ['127.0.0.1', udp.port, count]);
    const done = await peer.exited(60_000);
    const match = /sent (\d+) datagrams (\d+) bytes sha256 ([0-9a-f]{64})/.exec(done.stdout);
    expect(match, done.stdout + done.stderr).not.toBeNull();
    await untilCounters(udp.id, (c) => c.packetsIn >= count, `${count} datagrams`);
    await h.run({ type: 'session.stop', sessionId: udp.id });
    const info = (await h.run({ type: 'session.list' })).find((s) => s.sessionId === udp.id)!;
    expect(info.captureFile).toMatchObject({ state: 'closed', records: count, droppedRecords: 0 });

    const { records } = readRecords(file);
    expect(records).toHaveLength(count);
    expect(records.every((r) => r.dir === 'rx' && r.connectionId === null && /^127\.0\.0\.1:\d+$/.test(r.peer))).toBe(
      true,
    );
    // Datagram i starts with i as 4 bytes: each one is there once, in the order sent.
    expect(records.map((r) => Buffer.from(r.bytes).readUInt32BE(0))).toEqual(records.map((_, i) => i));
    expect(records.reduce((sum, r) => sum + r.bytes.byteLength, 0)).toBe(Number(match![2]));
    expect(sha256(Buffer.concat(records.map((r) => r.bytes)))).toBe(match![3]);
  });
});

describe('stopping while data flows', () => {
  it('capture.file.stop mid-stream leaves a complete records file; the session keeps receiving', async () => {
    h = new Harness({ keepRecords: false });
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0, captureCapBytes: 256 * 1024 });
    const file = path.join(dir, 'partial.spcap');
    expect((await startFile(server.id, file, 'records')).ok).toBe(true);
    startPeer('bulk_tcp_client.py', ['127.0.0.1', server.port, 0]);
    await untilCounters(server.id, (c) => c.bytesIn > 16 * MIB, '16 MiB received');
    const stopped = await h.run({ type: 'capture.file.stop', sessionId: server.id });
    expect(stopped.state).toBe('closed');
    const { records, trailingBytes } = readRecords(file);
    expect(trailingBytes).toBe(0);
    expect(records.length).toBe(stopped.records);
    expect(statSync(file).size).toBe(stopped.bytesWritten);
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1));
    const before = (await h.run({ type: 'stats.get', sessionId: server.id })).counters.bytesIn;
    await untilCounters(server.id, (c) => c.bytesIn > before, 'more data after the stop');
    expect(statSync(file).size).toBe(stopped.bytesWritten);
    await h.run({ type: 'connection.close', sessionId: server.id, reset: true });
  });

  it('stopping the session closes a raw file that holds exactly a prefix of what the peer sent', async () => {
    h = new Harness({ keepRecords: false });
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0, captureCapBytes: 256 * 1024 });
    const file = path.join(dir, 'raw.bin');
    const copy = path.join(dir, 'sent-by-peer.bin');
    expect((await startFile(server.id, file, 'raw')).ok).toBe(true);
    const peer = startPeer('bulk_tcp_client.py', ['127.0.0.1', server.port, 0, copy]);
    await untilCounters(server.id, (c) => c.bytesIn > 8 * MIB, '8 MiB received');
    await h.run({ type: 'session.stop', sessionId: server.id });
    await peer.exited(40_000);
    const info = (await h.run({ type: 'session.list' })).find((s) => s.sessionId === server.id)!;
    expect(info.captureFile?.state).toBe('closed');
    const saved = readFileSync(file);
    const sent = readFileSync(copy);
    expect(saved.length).toBe(info.captureFile!.bytesWritten);
    expect(saved.length).toBeGreaterThan(8 * MIB);
    expect(saved.length).toBeLessThanOrEqual(sent.length);
    expect(sha256(saved)).toBe(sha256(sent.subarray(0, saved.length)));
  });
});

describe('when the disk cannot keep up', () => {
  it('pauses reading TCP at the high-water mark, says why, and resumes; the file still gets every byte', async (ctx) => {
    needs(ctx, 'mkfifo');
    h = new Harness({ keepRecords: false });
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0, captureCapBytes: 256 * 1024 });
    // A named pipe whose reader does not read yet stands in for a disk that is too slow.
    const fifo = path.join(dir, 'slow-disk');
    const go = path.join(dir, 'go');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const reader = startPeer('slow_fifo_reader.py', [fifo, go]);
    expect((await startFile(server.id, fifo, 'raw')).ok).toBe(true);
    await reader.waitForLine(/opened/);
    const sender = startPeer('bulk_tcp_client.py', ['127.0.0.1', server.port, 128]);

    const behind = await h.waitFor(fileState(server.id, 'disk-behind'), 30_000);
    expect(behind.session.captureFile!.note).toMatch(
      /The disk cannot keep up: .* paused reading this session's TCP connections .* Nothing is lost/,
    );
    // Reading stays paused: what waits for the disk stays near the mark instead of growing with the flood.
    const held = (await h.run({ type: 'stats.get', sessionId: server.id })).captureFile!;
    expect(held.state).toBe('disk-behind');
    expect(held.pendingBytes).toBeLessThanOrEqual(FILE_HIGH_WATER_BYTES + 2 * MIB);

    writeFileSync(go, '');
    const sent = await sentBy(sender);
    await h.waitFor(
      (e) => fileState(server.id, 'writing')(e) && h.events.indexOf(e) > h.events.indexOf(behind),
      30_000,
    );
    await until(() => h.events.some((e) => e.type === 'connection.closed'), 30_000, 'the sender to disconnect');
    const stopped = await h.run({ type: 'capture.file.stop', sessionId: server.id });
    expect(stopped).toMatchObject({ state: 'closed', bytesWritten: 128 * MIB });
    const read = await reader.exited(30_000);
    expect(read.stdout).toContain(`read ${128 * MIB} bytes sha256 ${sent.sha}`);
  });

  it.skipIf(!existsSync('/dev/full'))(
    'a full disk stops the capture file with a plain error; the session keeps receiving unpaused',
    async () => {
      h = new Harness();
      const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
      expect((await startFile(server.id, '/dev/full', 'raw')).ok).toBe(true);
      const peer = startPeer('utf8_tcp_client.py', ['127.0.0.1', server.port]);
      const failed = (await h.waitFor(
        (e): e is ErrorEvent => e.type === 'error' && e.error.code === 'ENOSPC',
      )) as ErrorEvent;
      expect(failed.sessionId).toBe(server.id);
      expect(failed.error.message).toBe('The disk holding /dev/full is full.');
      expect(failed.error.hint).toMatch(
        /Free some space or save to another disk\. Everything saved before this point is in the file\./,
      );
      const state = await h.waitFor(fileState(server.id, 'error'));
      expect(state.session.captureFile!.note).toMatch(
        /^Saving to \/dev\/full stopped: The disk holding \/dev\/full is full\./,
      );
      await h.waitForBytes(server.id, 'rx', Buffer.byteLength('你好，世界'));
      await h.run({ type: 'send', sessionId: server.id, payload: { data: 'still here' }, target: { to: 'all' } });
      await peer.exited();
      expect(peer.stdout()).toContain(`reply hex: ${Buffer.from('still here').toString('hex')}`);
      const stop = await h.engine.run({ type: 'capture.file.stop', sessionId: server.id });
      expect(stop.ok).toBe(false);
    },
  );
});

describe('choosing the file', () => {
  async function refusal(file: string, options: { format?: 'raw' | 'records'; append?: boolean } = {}) {
    const session = await h.run({ type: 'session.create', config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 } });
    const result = await startFile(session.sessionId, file, options.format ?? 'raw', options.append);
    if (result.ok) throw new Error(`${file} was accepted`);
    return result.error;
  }

  beforeEach(() => {
    h = new Harness();
  });

  it('refuses a relative path, a missing folder, a folder, and a file used as a folder, in words', async () => {
    expect(await refusal('capture.bin')).toMatchObject({
      code: 'E_VALIDATION',
      message: expect.stringContaining('"capture.bin" is relative'),
      hint: expect.stringMatching(/For example/),
    });
    const missing = path.join(dir, 'no-such-folder', 'capture.bin');
    expect(await refusal(missing)).toMatchObject({
      code: 'ENOENT',
      message: `The folder ${path.join(dir, 'no-such-folder')} does not exist.`,
      hint: expect.stringMatching(/Create it first/),
    });
    expect(await refusal(dir)).toMatchObject({
      code: 'EISDIR',
      message: `${dir} is a folder, not a file.`,
      hint: `Add a file name to it, for example ${path.join(dir, 'capture.bin')}.`,
    });
    const plain = path.join(dir, 'plain.txt');
    writeFileSync(plain, 'x');
    expect(await refusal(path.join(plain, 'capture.bin'))).toMatchObject({
      code: 'ENOTDIR',
      message: expect.stringContaining(`${plain} is a file, not a folder`),
    });
  });

  it('refuses a path with a NUL and an unknown format before touching the disk', async () => {
    const session = await h.run({ type: 'session.create', config: { kind: 'udp', host: '127.0.0.1' } });
    const nul = await h.engine.execute({
      type: 'capture.file.start',
      sessionId: session.sessionId,
      path: `${dir}/a\u0000b`,
      format: 'raw',
    });
    expect(nul).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', message: expect.stringContaining('NUL') } });
    const format = await h.engine.execute({
      type: 'capture.file.start',
      sessionId: session.sessionId,
      path: `${dir}/a.bin`,
      format: 'pcap',
    });
    expect(format).toMatchObject({
      ok: false,
      error: { code: 'E_VALIDATION', message: expect.stringContaining('"raw"') },
    });
  });

  it('refuses to append records to a file that is not a records file, or whose last record was cut off', async () => {
    const text = path.join(dir, 'notes.txt');
    writeFileSync(text, 'hello, this is not a capture\n');
    expect(await refusal(text, { format: 'records', append: true })).toMatchObject({
      code: 'E_FORMAT',
      message: `${text} is not a Sockpit records file, so records cannot be appended to it.`,
    });
    expect(readFileSync(text, 'utf8')).toBe('hello, this is not a capture\n');

    // A real records file with one record, then the same file with its last byte cut off.
    const good = path.join(dir, 'good.spcap');
    const udp = await h.start({ kind: 'udp', host: '127.0.0.1', port: 0 });
    expect((await startFile(udp.id, good, 'records')).ok).toBe(true);
    await h.run({
      type: 'send',
      sessionId: udp.id,
      payload: { data: 'one' },
      target: { to: 'peer', host: '127.0.0.1', port: udp.port },
    });
    await h.waitForBytes(udp.id, 'rx', 3);
    await h.run({ type: 'capture.file.stop', sessionId: udp.id });
    const whole = readFileSync(good);
    const cut = path.join(dir, 'cut.spcap');
    writeFileSync(cut, whole.subarray(0, whole.length - 1));
    expect(await refusal(cut, { format: 'records', append: true })).toMatchObject({
      code: 'E_FORMAT',
      message: expect.stringContaining('ends with an incomplete record'),
    });
    // The reader still gives back every whole record of the cut file.
    const wholeRecords = readRecords(good).records;
    const cutRead = readRecords(cut);
    expect(cutRead.records).toHaveLength(wholeRecords.length - 1);
    expect(cutRead.trailingBytes).toBeGreaterThan(0);

    // Appending to the whole one continues it: one header, then the old records and the new.
    expect((await startFile(udp.id, good, 'records', true)).ok).toBe(true);
    await h.run({
      type: 'send',
      sessionId: udp.id,
      payload: { data: 'two' },
      target: { to: 'peer', host: '127.0.0.1', port: udp.port },
    });
    await h.waitForBytes(udp.id, 'rx', 6);
    await h.run({ type: 'capture.file.stop', sessionId: udp.id });
    const appended = readRecords(good).records;
    expect(appended.map((r) => `${r.dir}:${Buffer.from(r.bytes).toString()}`)).toEqual([
      'tx:one',
      'rx:one',
      'tx:two',
      'rx:two',
    ]);
    expect(appended.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
  });

  it('refuses a second capture file while one is on, and a stop when none is', async () => {
    const session = await h.run({ type: 'session.create', config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 } });
    const first = path.join(dir, 'first.bin');
    expect((await startFile(session.sessionId, first, 'raw')).ok).toBe(true);
    const second = await startFile(session.sessionId, path.join(dir, 'second.bin'), 'raw');
    expect(second).toMatchObject({
      ok: false,
      error: { code: 'E_STATE', message: `This session is already saving to ${first}.` },
    });
    expect((await h.engine.run({ type: 'capture.file.stop', sessionId: session.sessionId })).ok).toBe(true);
    expect(await h.engine.run({ type: 'capture.file.stop', sessionId: session.sessionId })).toMatchObject({
      ok: false,
      error: { code: 'E_STATE' },
    });
  });

  it('refuses a file in a folder it may not write to (EACCES)', async (ctx) => {
    ctx.skip(
      process.getuid?.() === 0,
      'root may write into any folder; test/engine/isolated.test.ts checks this as user nobody',
    );
    const locked = path.join(dir, 'locked');
    mkdirSync(locked, { mode: 0o500 });
    expect(await refusal(path.join(locked, 'capture.bin'))).toMatchObject({
      code: 'EACCES',
      message: `Sockpit is not allowed to write ${path.join(locked, 'capture.bin')}.`,
      hint: expect.stringMatching(/folder you can write to/),
    });
  });
});

describe('a capture file armed before the session starts', () => {
  it('holds the first byte; engine shutdown flushes and closes it', async (ctx) => {
    needs(ctx, 'socat');
    h = new Harness();
    const created = await h.run({ type: 'session.create', config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 } });
    const file = path.join(dir, 'armed.bin');
    const armed = await startFile(created.sessionId, file, 'raw');
    expect(armed.ok && armed.value.state).toBe('writing');
    const started: SessionInfo = await h.run({ type: 'session.start', sessionId: created.sessionId });
    const port = Number(/:(\d+)$/.exec(started.local!)![1]);
    const socat = startProgram('socat', ['-u', '-', `TCP:127.0.0.1:${port}`], 'first byte onwards\n');
    await socat.exited();
    await h.waitForBytes(created.sessionId, 'rx', 19);
    await h.engine.shutdown();
    expect(readFileSync(file, 'utf8')).toBe('first byte onwards\n');
  });
});
