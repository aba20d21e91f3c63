import { beforeAll, describe, expect, it } from 'vitest';
import type { CaptureRecord } from '../../shared/contract';
import { BatchWriter, decodeBatch } from '../../shared/contract/batch';
import { RowFormatter } from '../../renderer/src/log/format';
import {
  logStore,
  ROW_NOT_KEPT,
  ROW_NOTE,
  ROW_RX,
  ROW_SKIPPED,
  ROW_TX,
  SessionLog,
  StorageBudget,
  type LogLimits,
} from '../../renderer/src/state/log';

// The renderer's log storage: typed arrays and byte chunks instead of an object per row. What must hold
// is what a person relies on: rows in arrival order with their exact bytes, limits that evict the oldest
// and count it, a paused view's rows kept, and a batch copied in as it came.

const MIB = 1024 * 1024;
const ROOMY: LogLimits = { rowsPerSession: 1 << 20, bytesPerSession: 64 * MIB, totalBytes: 1024 * MIB };

beforeAll(() => {
  // The store tells views about changes once per animation frame; plain Node has no frames.
  const page = globalThis as unknown as { requestAnimationFrame?: (callback: (now: number) => void) => unknown };
  page.requestAnimationFrame ??= (callback) => setTimeout(() => callback(performance.now()), 0);
});

/** Bytes that say which record they belong to, so a row showing another record's bytes is caught. */
function payload(seq: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (seq * 31 + i) & 0xff;
  return bytes;
}

function append(
  log: SessionLog,
  seq: number,
  length: number,
  options: { connection?: string | null; dir?: 'rx' | 'tx'; fullLength?: number } = {},
): void {
  const bytes = payload(seq, length);
  log.appendRecord(
    seq,
    seq * 1000,
    options.dir === 'tx' ? ROW_TX : ROW_RX,
    options.connection === undefined ? 'c1' : options.connection,
    '127.0.0.1:5000',
    bytes,
    0,
    length,
    options.fullLength ?? length,
  );
}

/** Every live row is a record whose bytes are its own, seqs increasing. */
function expectIntact(log: SessionLog): void {
  let previous = 0;
  const wrong: string[] = [];
  for (let s = log.first; s < log.end && wrong.length < 5; s++) {
    if (!log.isRecord(s)) continue;
    const seq = log.seq(s);
    if (seq <= previous) wrong.push(`row ${s}: seq ${seq} after ${previous}`);
    previous = seq;
    const bytes = log.bytes(s);
    const expected = payload(seq, log.length(s));
    if (bytes.length !== expected.length || bytes.some((b, i) => b !== expected[i]))
      wrong.push(`row ${s}: the bytes of another record`);
  }
  expect(wrong).toEqual([]);
}

describe('SessionLog', () => {
  it('keeps records in order with their fields and bytes, and takes each seq once', () => {
    const log = new SessionLog(new StorageBudget(), 0, ROOMY);
    append(log, 1, 10);
    append(log, 2, 0, { dir: 'tx', connection: null });
    append(log, 2, 10);
    append(log, 1, 10);
    append(log, 3, 300, { fullLength: 70_000 });
    expect(log.rowCount).toBe(3);
    expect(log.kind(0)).toBe(ROW_RX);
    expect(log.kind(1)).toBe(ROW_TX);
    expect(log.connection(0)).toBe('c1');
    expect(log.connection(1)).toBeNull();
    expect(log.peer(0)).toBe('127.0.0.1:5000');
    expect(log.wallUs(2)).toBe(3000);
    expect(log.length(1)).toBe(0);
    expect(log.bytes(1).byteLength).toBe(0);
    expect(log.fullLength(2)).toBe(70_000);
    expect(log.length(2)).toBe(300);
    expect(log.lastRxSeq).toBe(3);
    expectIntact(log);
  });

  it('notes and gaps sit among records in arrival order; a gap after a gap grows instead of adding a row', () => {
    const log = new SessionLog(new StorageBudget(), 0, ROOMY);
    log.addNote(1, { tone: 'info', say: { note: 'connected' } }, '127.0.0.1:5000');
    append(log, 1, 5);
    log.addGap(ROW_SKIPPED, 10, 2);
    log.addGap(ROW_SKIPPED, 5, 3);
    append(log, 17, 5);
    log.addGap(ROW_SKIPPED, 1, 4);
    expect([0, 1, 2, 3, 4].map((s) => log.kind(s))).toEqual([ROW_NOTE, ROW_RX, ROW_SKIPPED, ROW_RX, ROW_SKIPPED]);
    expect(log.note(0)?.say).toEqual({ note: 'connected' });
    expect(log.peer(0)).toBe('127.0.0.1:5000');
    expect(log.gapCount(2)).toBe(15);
    expect(log.gapCount(4)).toBe(1);
  });

  it('at its byte limit drops whole chunks of the oldest rows and counts them; what stays is intact', () => {
    const budget = new StorageBudget();
    const log = new SessionLog(budget, 0, { ...ROOMY, bytesPerSession: 2 * MIB });
    let total = 0;
    for (let seq = 1; seq <= 6000; seq++) {
      const length = 100 + (seq % 1500);
      total += length;
      append(log, seq, length);
    }
    expect(log.evictedRecords).toBeGreaterThan(0);
    expect(log.evictedRecords + log.rowCount).toBe(6000);
    expect(log.seq(log.first)).toBe(log.evictedRecords + 1);
    let kept = 0;
    for (let s = log.first; s < log.end; s++) kept += log.length(s);
    expect(log.evictedBytes + kept).toBe(total);
    expect(kept).toBeLessThanOrEqual(2 * MIB);
    // Two chunks in use at most, and one spare.
    expect(log.storageBytes - (log.storageBytes % MIB)).toBeLessThanOrEqual(3 * MIB + 3 * 65_536 * 41);
    expectIntact(log);
    log.release();
    expect(budget.used).toBe(0);
  });

  it('at its row limit drops a block of the oldest rows at a time and keeps at least the limit', () => {
    const log = new SessionLog(new StorageBudget(), 0, { ...ROOMY, rowsPerSession: 65_536 });
    for (let seq = 1; seq <= 200_000; seq++) append(log, seq, 1);
    expect(log.rowCount).toBeGreaterThanOrEqual(65_536);
    expect(log.rowCount).toBeLessThanOrEqual(2 * 65_536);
    expect(log.evictedRecords).toBe(200_000 - log.rowCount);
    expect(log.seq(log.end - 1)).toBe(200_000);
    expectIntact(log);
  });

  it('a paused view pins its rows: at the limit new records are refused and counted, never the pinned ones evicted', () => {
    const log = new SessionLog(new StorageBudget(), 0, { ...ROOMY, bytesPerSession: 2 * MIB });
    for (let seq = 1; seq <= 100; seq++) append(log, seq, 1000);
    const pinned = log.end - 10;
    log.pin = pinned;
    const pinnedSeqs = [];
    for (let s = pinned; s < log.end; s++) pinnedSeqs.push(log.seq(s));
    for (let seq = 101; seq <= 5000; seq++) append(log, seq, 1000);
    expect(log.first).toBeLessThanOrEqual(pinned);
    const stillThere = [];
    for (let s = pinned; s < pinned + 10; s++) stillThere.push(log.seq(s));
    expect(stillThere).toEqual(pinnedSeqs);
    expect(log.notKept).toBeGreaterThan(0);
    expect(log.kind(log.end - 1)).toBe(ROW_NOT_KEPT);
    expect(log.gapCount(log.end - 1)).toBe(log.notKept);
    expectIntact(log);
    // Unpinned, it takes records again, evicting the oldest.
    log.pin = undefined;
    append(log, 5001, 1000);
    expect(log.seq(log.end - 1)).toBe(5001);
  });

  it('logs share one budget: a second log cannot grow past it, but still works within its minimum', () => {
    const budget = new StorageBudget(8 * MIB);
    const limits = { ...ROOMY, totalBytes: 8 * MIB };
    const first = new SessionLog(budget, 0, limits);
    for (let seq = 1; seq <= 6000; seq++) append(first, seq, 1000);
    const second = new SessionLog(budget, 0, limits);
    for (let seq = 1; seq <= 6000; seq++) append(second, seq, 1000);
    expect(second.evictedRecords).toBeGreaterThan(0);
    expectIntact(second);
    // Over the total only by the minimum every log is allowed: one block of rows and two chunks.
    expect(budget.used).toBeLessThanOrEqual(8 * MIB + 65_536 * 41 + 2 * MIB);
    first.release();
    second.release();
    expect(budget.used).toBe(0);
  });

  it('finds the neighbouring read of the same TCP stream, not another connection or direction', () => {
    const log = new SessionLog(new StorageBudget(), 0, ROOMY);
    append(log, 1, 3, { connection: 'a' });
    append(log, 2, 3, { connection: 'b' });
    append(log, 3, 3, { connection: 'a', dir: 'tx' });
    append(log, 4, 3, { connection: 'a' });
    append(log, 5, 3, { connection: null });
    expect(log.streamNeighbour(3, -1, 256, log.first, log.end)).toBe(0);
    expect(log.streamNeighbour(0, 1, 256, log.first, log.end)).toBe(3);
    expect(log.streamNeighbour(0, 1, 256, log.first, 3)).toBe(-1);
    expect(log.streamNeighbour(4, -1, 256, log.first, log.end)).toBe(-1);
  });

  it('forgets connection names no row uses any more, so endless short connections do not grow it without end', () => {
    const log = new SessionLog(new StorageBudget(), 0, { ...ROOMY, rowsPerSession: 65_536 });
    for (let seq = 1; seq <= 200_000; seq++) append(log, seq, 1, { connection: `conn-${seq}` });
    const wrong = [];
    for (let s = log.first; s < log.end; s++) if (log.connection(s) !== `conn-${log.seq(s)}`) wrong.push(s);
    expect(wrong).toEqual([]);
  });
});

describe('logStore', () => {
  it('copies a batch in: records per session, skipped ones as a gap, sessions it does not know left out', () => {
    const writer = new BatchWriter(1);
    const record = (seq: number, text: string): CaptureRecord => ({
      seq,
      sessionId: 's-batch',
      connectionId: 'c',
      dir: 'rx',
      wallUs: seq,
      monoUs: seq,
      peer: 'p',
      bytes: new TextEncoder().encode(text),
    });
    writer.beginSession('s-batch', 0);
    writer.addRecord(record(1, 'one'));
    writer.addRecord(record(2, 'two'));
    writer.beginSession('s-unknown', 0);
    writer.addRecord({ ...record(1, 'x'), sessionId: 's-unknown' });
    writer.beginSession('s-batch', 7);
    writer.addRecord(record(10, 'ten'));
    const batch = decodeBatch(writer.finish())!;
    logStore.ingest(batch, (id) => id === 's-batch');
    const log = logStore.log('s-batch');
    expect(log.rowCount).toBe(4);
    expect([0, 1, 2, 3].map((s) => log.kind(log.first + s))).toEqual([ROW_RX, ROW_RX, ROW_SKIPPED, ROW_RX]);
    expect(new TextDecoder().decode(log.bytes(log.first + 3))).toBe('ten');
    expect(log.viewSkipped).toBe(7);
    expect(log.gapCount(log.first + 2)).toBe(7);
    logStore.drop('s-batch');
  });

  it('merges a snapshot read from the capture with what is here: records by seq, notes by time, each once', () => {
    const log = logStore.log('s-snap');
    for (const seq of [5, 6, 7]) append(log, seq, 4);
    log.addNote(7500, { tone: 'info', say: { text: 'later' } });
    append(log, 9, 4);
    const records: CaptureRecord[] = [3, 4, 5, 6, 7, 8].map((seq) => ({
      seq,
      sessionId: 's-snap',
      connectionId: 'c1',
      dir: 'rx',
      wallUs: seq * 1000,
      monoUs: 0,
      peer: 'p',
      bytes: payload(seq, 4),
    }));
    logStore.replaceWithSnapshot('s-snap', records);
    const merged = logStore.log('s-snap');
    const shown: Array<number | string> = [];
    for (let s = merged.first; s < merged.end; s++) shown.push(merged.isRecord(s) ? merged.seq(s) : 'note');
    expect(shown).toEqual([3, 4, 5, 6, 7, 'note', 8, 9]);
    expectIntact(merged);
    logStore.drop('s-snap');
  });

  it('clearing empties the log and keeps late records of the cleared capture out', () => {
    const log = logStore.log('s-clear');
    append(log, 1, 3);
    logStore.clear('s-clear', 3);
    append(log, 2, 3);
    append(log, 3, 3);
    expect(log.rowCount).toBe(1);
    expect(log.seq(log.first)).toBe(3);
    logStore.drop('s-clear');
  });
});

describe('RowFormatter', () => {
  const gbk = (...bytes: number[]) => Uint8Array.from(bytes);

  it('shows a character split between two reads of one stream whole, in the row that completed it', () => {
    const log = new SessionLog(new StorageBudget(), 0, ROOMY);
    // 你好! in GBK is C4 E3 BA C3 21; the second character is cut after its first byte.
    log.appendRecord(1, 1, ROW_RX, 'c', 'p', gbk(0xc4, 0xe3, 0xba), 0, 3, 3);
    log.appendRecord(2, 2, ROW_RX, 'other', 'p', gbk(0x41), 0, 1, 1);
    log.appendRecord(3, 3, ROW_RX, 'c', 'p', gbk(0xc3, 0x21), 0, 2, 2);
    const formatter = new RowFormatter();
    const text = (serial: number, hi = log.end) =>
      formatter
        .content({ log, serial, lo: log.first, hi, mode: 'text', encoding: 'gbk', shown: 1024 })
        .pieces.map((piece) => piece.text)
        .join('');
    expect(text(0)).toBe('你');
    expect(text(2)).toBe('好!');
    // A paused view that ends before the second read shows the unfinished byte as what it is.
    expect(text(0, 1)).toBe('你\\xBA');
  });

  it('formats a long record a slice at a time and says how much is left, including what only the capture holds', () => {
    const log = new SessionLog(new StorageBudget(), 0, ROOMY);
    const bytes = payload(1, 65_536);
    log.appendRecord(1, 1, ROW_RX, 'c', 'p', bytes, 0, 65_536, 100_000);
    const formatter = new RowFormatter();
    const first = formatter.content({ log, serial: 0, lo: 0, hi: 1, mode: 'hex', encoding: 'utf-8', shown: 1024 });
    expect(
      first.pieces
        .map((piece) => piece.text)
        .join('')
        .split(' '),
    ).toHaveLength(1024);
    expect(first.omittedBytes).toBe(100_000 - 1024);
    const more = formatter.content({
      log,
      serial: 0,
      lo: 0,
      hi: 1,
      mode: 'both',
      encoding: 'utf-8',
      shown: 1024 + 32 * 1024,
    });
    expect(more.pieces).toHaveLength(2);
    // Slices start at multiples of 32 KiB, each dumped with its own offsets.
    expect(more.pieces[1].text.startsWith('\n00008000')).toBe(true);
    expect(more.omittedBytes).toBe(100_000 - 1024 - 32 * 1024);
  });
});
