import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConnectionInfo, EngineEvent, SessionStats } from '../../shared/contract';
import { BatchRecordCursor, decodeBatch, MAX_BATCH_BYTES } from '../../shared/contract/batch';
import { CaptureStore } from '../../engine/capture';
import { EventStream, type EventSource } from '../../stream/event-stream';
import { BatchReceiver } from './helpers';

// The stream's state machine against a model: any mix of records (into real, byte-capped capture
// stores), control events, counter reports, clears, flushes and acknowledgements — in time order, but
// with flushes called directly so a run is deterministic. After every step the unacknowledged limit and the size rules
// hold; every section's skip count is exactly the gap to what the client had; and once the client
// acknowledges everything, every record is accounted for as received, skipped or cleared.

/** Sessions as the engine has them, without sockets: a capture store each, and events to listeners. */
class StoreSource implements EventSource {
  readonly stores = new Map<string, CaptureStore>();
  private readonly listeners = new Set<(event: EngineEvent) => void>();
  private readonly recordsListeners = new Set<(sessionId: string, nextSeq: number) => void>();

  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onRecords(listener: (sessionId: string, nextSeq: number) => void): () => void {
    this.recordsListeners.add(listener);
    return () => this.recordsListeners.delete(listener);
  }

  capture(sessionId: string): CaptureStore | undefined {
    return this.stores.get(sessionId);
  }

  emit(event: EngineEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  recordsAdded(sessionId: string, nextSeq: number): void {
    for (const listener of this.recordsListeners) listener(sessionId, nextSeq);
  }
}

const SESSIONS = ['s1', 's2', 's3'];
const MAX_UNACKED = 3;
const MAX_BYTES = 12 * 1024;
const MAX_RECORD = 3000;

type Action =
  | { kind: 'records'; session: number; sizes: number[]; conn: number }
  | { kind: 'event'; session: number }
  | { kind: 'stats'; session: number; conns: number[]; value: number }
  | { kind: 'clear'; session: number }
  | { kind: 'remove'; session: number }
  | { kind: 'flush' }
  | { kind: 'ack'; which: 'last' | 'previous' | 'future' | 'zero' | 'first' };

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('records' as const),
      session: fc.nat(2),
      sizes: fc.array(fc.oneof(fc.nat(40), fc.nat(5000)), { minLength: 1, maxLength: 30 }),
      conn: fc.nat(20),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('event' as const), session: fc.nat(2) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('stats' as const),
      session: fc.nat(2),
      conns: fc.array(fc.nat(200), { maxLength: 80 }),
      value: fc.nat(1000),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('clear' as const), session: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), session: fc.nat(2) }) },
  { weight: 4, arbitrary: fc.constant({ kind: 'flush' as const }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('ack' as const),
      which: fc.constantFrom(
        'last' as const,
        'previous' as const,
        'future' as const,
        'zero' as const,
        'first' as const,
      ),
    }),
  },
);

function connection(sessionId: string, n: number, value: number): ConnectionInfo {
  return {
    connectionId: `c${n}`,
    sessionId,
    peer: `127.0.0.1:${10_000 + n}`,
    local: '127.0.0.1:7000',
    connectedAt: 1,
    state: 'open',
    counters: { bytesIn: value, bytesOut: 0, packetsIn: value, packetsOut: 0, rateIn: 0, rateOut: 0, since: 1 },
  };
}

function statsOf(sessionId: string, conns: ConnectionInfo[], value: number): SessionStats {
  const counters = { bytesIn: value, bytesOut: 0, packetsIn: 0, packetsOut: 0, rateIn: 0, rateOut: 0, since: 1 };
  return {
    sessionId,
    counters,
    accepted: 0,
    refused: 0,
    capture: { records: 0, bytes: 0, capBytes: 0, evictedRecords: 0, evictedBytes: 0, firstSeq: 0, lastSeq: 0 },
    connections: conns,
  };
}

function run(actions: Action[]): void {
  const source = new StoreSource();
  let stream!: EventStream;
  const rx = new BatchReceiver((id) => stream.ack(id), { autoAck: false });
  stream = new EventStream(source, (bytes) => rx.receive(bytes), {
    maxUnacked: MAX_UNACKED,
    maxBatchBytes: MAX_BYTES,
    maxRecordBytes: MAX_RECORD,
    maxPendingEvents: 40,
  });

  // The model: where each session's client view stands, and what it must account for.
  const cursor = new Map<string, number>();
  const cleared = new Map<string, number>();
  const lengths = new Map<string, number[]>();
  const removed = new Set<string>();
  const emittedEvents: string[] = [];
  const latestConnections = new Map<string, Map<string, number>>();
  let seenBatches = 0;
  let nextMark = 0;

  const store = (sessionId: string): CaptureStore | undefined => {
    if (removed.has(sessionId)) return undefined;
    let s = source.stores.get(sessionId);
    if (!s) {
      s = new CaptureStore(sessionId, 40 * 1024);
      source.stores.set(sessionId, s);
      cursor.set(sessionId, 1);
      cleared.set(sessionId, 0);
      lengths.set(sessionId, [0]);
    }
    return s;
  };

  /** Checks each batch the client got since the last look, against the model. */
  const checkNewBatches = () => {
    for (; seenBatches < rx.headers.length; seenBatches++) {
      const header = rx.headers[seenBatches]!;
      expect(header.batchId).toBe(seenBatches + 1);
      expect(rx.sizes[seenBatches]).toBeLessThanOrEqual(MAX_BYTES);
    }
    expect(rx.malformed).toBe(0);
    expect(stream.counters().inFlight).toBeLessThanOrEqual(MAX_UNACKED);
    expect(stream.counters().inFlight).toBe(rx.lastBatchId - stream.counters().lastAcked);
  };

  // Sections are checked as the batches arrive (flush is synchronous), against the cursor at that moment.
  let recordsChecked = 0;
  const checkSections = () => {
    for (let b = checkSections.batch; b < rx.headers.length; b++) {
      for (const section of rx.headers[b]!.sessions) {
        const at = cursor.get(section.sessionId)!;
        const records = rx.records.slice(recordsChecked, recordsChecked + section.count);
        recordsChecked += section.count;
        expect(section.count).toBeGreaterThan(0);
        expect(records[0]!.seq).toBe(at + section.skipped);
        records.forEach((record, i) => {
          expect(record.sessionId).toBe(section.sessionId);
          expect(record.seq).toBe(records[0]!.seq + i);
          expect(record.fullLength).toBe(lengths.get(section.sessionId)![record.seq]);
          expect(record.bytes.length).toBeLessThanOrEqual(Math.min(record.fullLength, MAX_RECORD));
          // Only the newest record of a section may be cut below what the batch may carry.
          if (i < records.length - 1) expect(record.bytes.length).toBe(Math.min(record.fullLength, MAX_RECORD));
        });
        cursor.set(section.sessionId, records.at(-1)!.seq + 1);
      }
    }
    checkSections.batch = rx.headers.length;
  };
  checkSections.batch = 0;

  const ackId = (which: Extract<Action, { kind: 'ack' }>['which']): number => {
    const last = rx.lastBatchId;
    switch (which) {
      case 'last':
        return last;
      case 'previous':
        return last - 1;
      case 'future':
        return last + 1;
      case 'zero':
        return 0;
      case 'first':
        return 1;
    }
  };

  for (const step of actions) {
    const sessionId = 'session' in step ? SESSIONS[step.session]! : '';
    switch (step.kind) {
      case 'records': {
        const s = store(sessionId);
        if (!s) break;
        for (const size of step.sizes) {
          const bytes = new Uint8Array(size).fill(size % 256);
          const record = s.append({
            connectionId: `c${step.conn}`,
            dir: 'rx',
            peer: `127.0.0.1:${step.conn}`,
            bytes,
            wallUs: 1,
            monoUs: 1,
          });
          lengths.get(sessionId)![record.seq] = size;
          source.recordsAdded(sessionId, record.seq + 1);
        }
        break;
      }
      case 'event': {
        const mark = `m${nextMark++}`;
        emittedEvents.push(mark);
        source.emit({ type: 'error', sessionId, error: { code: 'E_TEST', message: mark } });
        break;
      }
      case 'stats': {
        if (!store(sessionId)) break;
        const conns = [...new Set(step.conns)].map((n) => connection(sessionId, n, step.value));
        const latest = latestConnections.get(sessionId) ?? new Map<string, number>();
        for (const c of conns) latest.set(c.connectionId, step.value);
        latestConnections.set(sessionId, latest);
        source.emit({ type: 'stats', stats: statsOf(sessionId, conns, step.value) });
        break;
      }
      case 'clear': {
        const s = store(sessionId);
        if (!s) break;
        s.clear();
        cleared.set(sessionId, cleared.get(sessionId)! + (s.nextSeq - cursor.get(sessionId)!));
        cursor.set(sessionId, s.nextSeq);
        source.emit({ type: 'capture.cleared', sessionId, nextSeq: s.nextSeq });
        break;
      }
      case 'remove': {
        if (!source.stores.has(sessionId)) break;
        source.stores.delete(sessionId);
        removed.add(sessionId);
        source.emit({ type: 'session.removed', sessionId });
        break;
      }
      case 'flush':
        stream.flush();
        break;
      case 'ack':
        stream.ack(ackId(step.which));
        break;
    }
    checkNewBatches();
    checkSections();
  }

  // The client acknowledges everything from now on: the stream drains, and everything is accounted for.
  for (let guard = 0; guard < 1000; guard++) {
    stream.ack(rx.lastBatchId);
    if (!stream.flush()) break;
    checkNewBatches();
    checkSections();
  }
  expect(stream.counters()).toMatchObject({ inFlight: 0 });
  for (const [sessionId, s] of source.stores) {
    const received = rx.recordsOf(sessionId).length;
    expect(received + rx.skippedOf(sessionId) + cleared.get(sessionId)!).toBe(s.nextSeq - 1);
    expect(cursor.get(sessionId)).toBe(s.nextSeq);
  }

  // Control events arrive in order; only a resync may leave some out.
  const marks = rx.events.flatMap((event) => (event.type === 'error' ? [event.error.message] : []));
  const resynced = rx.headers.some((header) => header.resync);
  if (resynced) {
    const indices = marks.map((mark) => emittedEvents.indexOf(mark));
    expect(indices).toEqual([...indices].sort((a, b) => a - b));
    expect(stream.counters().eventsDropped).toBeGreaterThan(0);
  } else {
    expect(marks).toEqual(emittedEvents);
    // Counter reports, applied as a renderer does (upsert per connection), end at the newest values.
    for (const [sessionId, latest] of latestConnections) {
      const applied = new Map<string, number>();
      for (const event of rx.events) {
        if (event.type === 'stats' && event.stats.sessionId === sessionId)
          for (const c of event.stats.connections) applied.set(c.connectionId, c.counters.bytesIn);
      }
      expect(applied).toEqual(latest);
    }
  }
  stream.close();
}

describe('EventStream unacknowledged limit and accounting (model-based)', () => {
  it('keeps the unacknowledged limit, the size cap and exact skip accounting under any sequence of steps', () => {
    fc.assert(
      fc.property(fc.array(action, { minLength: 1, maxLength: 120 }), (actions) => run(actions)),
      { numRuns: 300 },
    );
  });

  it('splits a counters report too big for one batch into reports that together carry every connection', () => {
    const source = new StoreSource();
    let stream!: EventStream;
    const rx = new BatchReceiver((id) => stream.ack(id), { autoAck: false });
    stream = new EventStream(source, (bytes) => rx.receive(bytes));
    const conns = Array.from({ length: 5000 }, (_v, i) => connection('s1', i, i));
    source.emit({ type: 'stats', stats: statsOf('s1', conns, 1) });
    for (let guard = 0; guard < 100 && stream.flush(); guard++) stream.ack(rx.lastBatchId);
    expect(rx.headers.length).toBeGreaterThan(1);
    expect(Math.max(...rx.sizes)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    const carried = rx.events.flatMap((event) =>
      event.type === 'stats' ? event.stats.connections.map((c) => c.connectionId) : [],
    );
    expect(carried).toEqual(conns.map((c) => c.connectionId));
    expect(rx.headers.some((h) => h.resync)).toBe(false);
    stream.close();
  });

  it('drops an event that cannot fit any batch and asks the client to resync, without ever sending an oversized batch', () => {
    const source = new StoreSource();
    let stream!: EventStream;
    const rx = new BatchReceiver((id) => stream.ack(id), { autoAck: false });
    stream = new EventStream(source, (bytes) => rx.receive(bytes));
    source.emit({ type: 'error', error: { code: 'E_BEFORE', message: 'before' } });
    source.emit({ type: 'error', error: { code: 'E_HUGE', message: 'x'.repeat(MAX_BATCH_BYTES) } });
    source.emit({ type: 'error', error: { code: 'E_AFTER', message: 'after' } });
    expect(stream.flush()).toBe(true);
    expect(rx.sizes[0]).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    expect(rx.headers[0]!.resync).toBe(true);
    expect(rx.events.map((event) => (event.type === 'error' ? event.error.code : event.type))).toEqual([
      'E_BEFORE',
      'E_AFTER',
    ]);
    expect(stream.counters()).toMatchObject({ eventsDropped: 1, resyncs: 1 });
    stream.close();
  });

  it('keeps one counters report per session while the client has its limit out, merging the connections each one changed', () => {
    const source = new StoreSource();
    let stream!: EventStream;
    const rx = new BatchReceiver((id) => stream.ack(id), { autoAck: false });
    stream = new EventStream(source, (bytes) => rx.receive(bytes), { maxUnacked: 1 });
    source.emit({ type: 'error', error: { code: 'E_FIRST', message: 'fills the limit' } });
    stream.flush();
    source.emit({ type: 'stats', stats: statsOf('s1', [connection('s1', 1, 10), connection('s1', 2, 20)], 1) });
    source.emit({
      type: 'connection.closed',
      connection: { ...connection('s1', 1, 11), state: 'closed' },
      reason: 'peer-closed',
      wallUs: 1,
      monoUs: 1,
    });
    source.emit({ type: 'stats', stats: statsOf('s1', [connection('s1', 2, 21), connection('s1', 3, 30)], 2) });
    source.emit({ type: 'stats', stats: statsOf('s2', [connection('s2', 9, 90)], 3) });
    expect(stream.flush()).toBe(false);
    stream.ack(1);
    expect(stream.flush()).toBe(true);
    const events = rx.headers[1]!.events;
    expect(events.map((event) => event.type)).toEqual(['stats', 'connection.closed', 'stats']);
    const [s1, , s2] = events as Array<Extract<EngineEvent, { type: 'stats' }>>;
    expect(s1!.stats.counters.bytesIn).toBe(2);
    expect(s1!.stats.connections.map((c) => [c.connectionId, c.counters.bytesIn])).toEqual([
      ['c1', 10],
      ['c2', 21],
      ['c3', 30],
    ]);
    expect(s2!.stats.connections.map((c) => c.connectionId)).toEqual(['c9']);
    stream.close();
  });

  it('writes a big batch into a buffer that stays as sent until the client acknowledges it, then carries a later batch', () => {
    const source = new StoreSource();
    const store = new CaptureStore('s1', 64 * 1024 * 1024);
    source.stores.set('s1', store);
    const sent: Uint8Array[] = [];
    const stream = new EventStream(source, (bytes) => sent.push(bytes), { maxUnacked: 3 });
    // The client came in before the first record, so it is offered all of them.
    source.recordsAdded('s1', store.nextSeq);
    // Each call adds what one batch can carry (2000-byte datagrams, all bytes `mark`), so every batch is a big one.
    const datagrams = (mark: number) => {
      for (let i = 0; i < 120; i++)
        store.append({
          connectionId: null,
          dir: 'rx',
          peer: '127.0.0.1:9',
          bytes: new Uint8Array(2000).fill(mark),
          wallUs: mark,
          monoUs: mark,
        });
      source.recordsAdded('s1', store.nextSeq);
    };
    const payloads = (bytes: Uint8Array) => {
      const batch = decodeBatch(bytes);
      if (!batch) throw new Error('the batch no longer decodes');
      const cursor = new BatchRecordCursor(batch);
      const marks = new Set<number>();
      while (cursor.next()) for (const byte of cursor.payload()) marks.add(byte);
      return [...marks];
    };
    for (const mark of [1, 2, 3]) {
      datagrams(mark);
      expect(stream.flush()).toBe(true);
    }
    expect(sent.map(payloads)).toEqual([[1], [2], [3]]);
    // Three out, none acknowledged: three buffers, and a fourth batch waits rather than take one of them.
    expect(new Set(sent.map((bytes) => bytes.buffer)).size).toBe(3);
    datagrams(4);
    expect(stream.flush()).toBe(false);
    expect(sent.map(payloads)).toEqual([[1], [2], [3]]);

    stream.ack(1);
    expect(stream.flush()).toBe(true);
    expect(sent[3]!.buffer).toBe(sent[0]!.buffer);
    expect(payloads(sent[3]!)).toEqual([4]);
    // The two still unacknowledged read exactly as they were sent.
    expect(sent.slice(1, 3).map(payloads)).toEqual([[2], [3]]);
    stream.close();
  });

  it('allocates a small batch of its own, so a client that copies whole buffers is not sent a big one for a few events', () => {
    const source = new StoreSource();
    const sent: Uint8Array[] = [];
    const stream = new EventStream(source, (bytes) => sent.push(bytes));
    source.emit({ type: 'error', error: { code: 'E_ONE', message: 'one event' } });
    expect(stream.flush()).toBe(true);
    expect(sent[0]!.buffer.byteLength).toBe(sent[0]!.byteLength);
    stream.close();
  });
});
