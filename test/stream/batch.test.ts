import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CaptureRecord, EngineEvent } from '../../shared/contract';
import {
  eventJsonBytes,
  BATCH_MAGIC,
  BatchRecordCursor,
  BatchWriter,
  decodeBatch,
  MAX_RECORD_BYTES_IN_BATCH,
  RECORD_HEADER_BYTES,
} from '../../shared/contract/batch';

// The batch is what crosses into the renderer: what the engine packs must come out the same, and a
// message that is not exactly a batch must be refused whole (never half-applied).

const record = fc.record({
  seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  wallUs: fc.integer({ min: 0, max: 2 ** 52 }),
  monoUs: fc.integer({ min: 0, max: 2 ** 52 }),
  dir: fc.constantFrom('rx' as const, 'tx' as const),
  connectionId: fc.option(fc.string({ minLength: 1, maxLength: 12, unit: 'binary' }), { nil: null }),
  peer: fc.string({ maxLength: 40, unit: 'binary' }),
  bytes: fc.uint8Array({ maxLength: 300 }),
});

const event: fc.Arbitrary<EngineEvent> = fc.oneof(
  fc.record({ type: fc.constant('session.removed' as const), sessionId: fc.string() }),
  fc.record({ type: fc.constant('capture.cleared' as const), sessionId: fc.string(), nextSeq: fc.integer({ min: 1 }) }),
  fc.record({
    type: fc.constant('error' as const),
    sessionId: fc.string(),
    error: fc.record({ code: fc.string(), message: fc.string({ unit: 'grapheme' }) }),
  }),
);

const section = fc.record({
  sessionId: fc.string({ minLength: 1, maxLength: 8, unit: 'binary' }),
  skipped: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  records: fc.array(record, { maxLength: 20 }),
  maxBytes: fc.integer({ min: 0, max: MAX_RECORD_BYTES_IN_BATCH }),
});

const batchInput = fc.record({
  batchId: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  events: fc.array(event, { maxLength: 8 }),
  sections: fc.uniqueArray(section, { selector: (s) => s.sessionId, maxLength: 5 }),
  resync: fc.boolean(),
});
type BatchInput = typeof batchInput extends fc.Arbitrary<infer T> ? T : never;

function build(input: BatchInput, staging?: Uint8Array): { bytes: Uint8Array; size: number } {
  const writer = new BatchWriter(input.batchId, staging);
  for (const e of input.events) writer.addEvent(e);
  if (input.resync) writer.markResync();
  for (const s of input.sections) {
    writer.beginSession(s.sessionId, s.skipped);
    for (const r of s.records) writer.addRecord({ ...r, sessionId: s.sessionId } as CaptureRecord, s.maxBytes);
  }
  return { bytes: writer.finish(), size: writer.size };
}

function sample(): Uint8Array {
  const writer = new BatchWriter(7);
  writer.addEvent({ type: 'session.removed', sessionId: 's9' });
  writer.beginSession('s1', 3);
  writer.addRecord({
    seq: 4,
    sessionId: 's1',
    connectionId: 'c1',
    dir: 'rx',
    wallUs: 1,
    monoUs: 2,
    peer: '127.0.0.1:5',
    bytes: new Uint8Array([1, 2, 3]),
  });
  writer.addRecord(
    {
      seq: 5,
      sessionId: 's1',
      connectionId: null,
      dir: 'tx',
      wallUs: 3,
      monoUs: 4,
      peer: '[::1]:6',
      bytes: new Uint8Array(10),
    },
    4,
  );
  return writer.finish();
}

function withHeader(header: unknown, tail: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.byteLength + tail.byteLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, BATCH_MAGIC, true);
  view.setUint32(4, json.byteLength, true);
  out.set(json, 8);
  out.set(tail, 8 + json.byteLength);
  return out;
}

describe('batch codec', () => {
  it('a decoded batch gives back every event, section and record field as written (property)', () => {
    fc.assert(
      fc.property(batchInput, (input) => {
        const { bytes, size } = build(input);
        // The writer's size is what the event stream budgets with: it must never be below the real size.
        expect(bytes.byteLength).toBeLessThanOrEqual(size);
        const decoded = decodeBatch(bytes);
        expect(decoded).toBeDefined();
        const { header } = decoded!;
        expect(header.batchId).toBe(input.batchId);
        expect(header.resync ?? false).toBe(input.resync);
        expect(header.events).toEqual(input.events);
        expect(header.sessions).toEqual(
          input.sections.map((s) => ({ sessionId: s.sessionId, count: s.records.length, skipped: s.skipped })),
        );
        const cursor = new BatchRecordCursor(decoded!);
        for (const s of input.sections) {
          for (const r of s.records) {
            expect(cursor.next()).toBe(true);
            expect(cursor.sessionId).toBe(s.sessionId);
            expect({
              seq: cursor.seq,
              wallUs: cursor.wallUs,
              monoUs: cursor.monoUs,
              dir: cursor.dir,
              connectionId: cursor.connectionId,
              peer: cursor.peer,
            }).toEqual({
              seq: r.seq,
              wallUs: r.wallUs,
              monoUs: r.monoUs,
              dir: r.dir,
              connectionId: r.connectionId,
              peer: r.peer,
            });
            expect(cursor.fullLength).toBe(r.bytes.byteLength);
            expect(cursor.length).toBe(Math.min(r.bytes.byteLength, s.maxBytes));
            expect(Buffer.from(cursor.payload()).equals(Buffer.from(r.bytes.subarray(0, cursor.length)))).toBe(true);
          }
        }
        expect(cursor.next()).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('reuses a staging area across batches without one batch leaking into the next', () => {
    const staging = new Uint8Array(64);
    fc.assert(
      fc.property(batchInput, batchInput, (a, b) => {
        build(a, staging);
        const again = build(b, staging);
        expect(again.bytes).toEqual(build(b).bytes);
      }),
      { numRuns: 100 },
    );
  });

  it('decodes from an ArrayBuffer and from a view into a larger buffer', () => {
    const bytes = sample();
    expect(decodeBatch(bytes.slice().buffer)?.header.batchId).toBe(7);
    const padded = new Uint8Array(bytes.byteLength + 13);
    padded.set(bytes, 5);
    const decoded = decodeBatch(padded.subarray(5, 5 + bytes.byteLength));
    expect(decoded?.header.sessions).toEqual([{ sessionId: 's1', count: 2, skipped: 3 }]);
    const cursor = new BatchRecordCursor(decoded!);
    cursor.next();
    expect([...cursor.payload()]).toEqual([1, 2, 3]);
    cursor.next();
    expect({ length: cursor.length, fullLength: cursor.fullLength, connectionId: cursor.connectionId }).toEqual({
      length: 4,
      fullLength: 10,
      connectionId: null,
    });
  });

  it('refuses every truncation and every single-byte change that breaks the layout', () => {
    const bytes = sample();
    for (let cut = 0; cut < bytes.byteLength; cut++)
      expect(decodeBatch(bytes.subarray(0, cut)), `cut at ${cut}`).toBeUndefined();
    expect(decodeBatch(new Uint8Array([...bytes, 0]))).toBeUndefined();
    const wrongMagic = bytes.slice();
    wrongMagic[0] ^= 1;
    expect(decodeBatch(wrongMagic)).toBeUndefined();
    const longHeader = bytes.slice();
    new DataView(longHeader.buffer).setUint32(4, bytes.byteLength, true);
    expect(decodeBatch(longHeader)).toBeUndefined();
  });

  it.each<[string, unknown, Uint8Array?]>([
    ['a header that is not an object', [1, 2]],
    ['a header missing its sessions', { batchId: 1, events: [], strings: [] }],
    ['batch id 0', { batchId: 0, events: [], sessions: [], strings: [] }],
    [
      'a negative count',
      { batchId: 1, events: [], sessions: [{ sessionId: 's1', count: -1, skipped: 0 }], strings: [] },
    ],
    [
      'a fractional skip',
      { batchId: 1, events: [], sessions: [{ sessionId: 's1', count: 0, skipped: 0.5 }], strings: [] },
    ],
    ['an event the contract does not know', { batchId: 1, events: [{ type: 'nope' }], sessions: [], strings: [] }],
    [
      'a record event among the events',
      { batchId: 1, events: [{ type: 'record', record: {} }], sessions: [], strings: [] },
    ],
    [
      'a count with no records behind it',
      { batchId: 1, events: [], sessions: [{ sessionId: 's1', count: 1, skipped: 0 }], strings: ['p'] },
    ],
  ])('refuses %s', (_label, header, tail) => {
    expect(decodeBatch(withHeader(header, tail))).toBeUndefined();
  });

  it('refuses records that point outside the strings, claim more bytes than their full length, or have an unknown direction', () => {
    const header = {
      batchId: 1,
      events: [],
      sessions: [{ sessionId: 's1', count: 1, skipped: 0 }],
      strings: ['c1', 'peer'],
    };
    const recordWith = (edit: (view: DataView) => void, payload = 2): Uint8Array => {
      const rec = new Uint8Array(RECORD_HEADER_BYTES + payload);
      const view = new DataView(rec.buffer);
      view.setFloat64(0, 1, true);
      view.setInt32(24, 0, true);
      view.setUint32(28, 1, true);
      view.setUint32(32, payload, true);
      view.setUint32(36, payload, true);
      edit(view);
      return rec;
    };
    expect(
      decodeBatch(
        withHeader(
          header,
          recordWith(() => {}),
        ),
      ),
    ).toBeDefined();
    expect(
      decodeBatch(
        withHeader(
          header,
          recordWith((v) => v.setInt32(24, 2, true)),
        ),
      ),
    ).toBeUndefined();
    expect(
      decodeBatch(
        withHeader(
          header,
          recordWith((v) => v.setInt32(24, -2, true)),
        ),
      ),
    ).toBeUndefined();
    expect(
      decodeBatch(
        withHeader(
          header,
          recordWith((v) => v.setUint32(28, 2, true)),
        ),
      ),
    ).toBeUndefined();
    expect(
      decodeBatch(
        withHeader(
          header,
          recordWith((v) => v.setUint32(32, 1, true)),
        ),
      ),
    ).toBeUndefined();
    expect(
      decodeBatch(
        withHeader(
          header,
          recordWith((v) => v.setUint8(40, 2)),
        ),
      ),
    ).toBeUndefined();
    expect(
      decodeBatch(
        withHeader(
          header,
          recordWith((v) => v.setUint32(36, 3, true)),
        ),
      ),
    ).toBeUndefined();
  });

  it('never throws on arbitrary bytes, with or without a valid magic (property)', () => {
    const magic = new Uint8Array(4);
    new DataView(magic.buffer).setUint32(0, BATCH_MAGIC, true);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (junk, withMagic) => {
        const bytes = withMagic ? new Uint8Array([...magic, ...junk]) : junk;
        expect(() => decodeBatch(bytes)).not.toThrow();
      }),
      { numRuns: 500 },
    );
    // Mutations of a real batch: refused or, if still well formed, decoded without throwing.
    const bytes = sample();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bytes.byteLength - 1 }), fc.integer({ min: 0, max: 255 }), (at, value) => {
        const changed = bytes.slice();
        changed[at] = value;
        const decoded = decodeBatch(changed);
        if (decoded) {
          const cursor = new BatchRecordCursor(decoded);
          while (cursor.next()) expect(cursor.bytesOffset + cursor.length).toBeLessThanOrEqual(changed.byteLength);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a record outside its session', () => {
    const writer = new BatchWriter(1);
    expect(() =>
      writer.addRecord({
        seq: 1,
        sessionId: 's1',
        connectionId: null,
        dir: 'rx',
        wallUs: 0,
        monoUs: 0,
        peer: '',
        bytes: new Uint8Array(),
      }),
    ).toThrow();
    writer.beginSession('s2', 0);
    expect(() =>
      writer.addRecord({
        seq: 1,
        sessionId: 's1',
        connectionId: null,
        dir: 'rx',
        wallUs: 0,
        monoUs: 0,
        peer: '',
        bytes: new Uint8Array(),
      }),
    ).toThrow();
  });

  it("measures an event's JSON in UTF-8 bytes exactly, whatever its characters", () => {
    for (const name of [
      'plain',
      'café',
      '设备 7',
      'emoji 😀',
      'lone \ud800 surrogate',
      'tab\tand\u0001',
      '"quoted" \\',
    ]) {
      const event = { type: 'session.removed', sessionId: name } as const;
      expect(eventJsonBytes(event)).toBe(Buffer.byteLength(JSON.stringify(event), 'utf8'));
    }
  });
});
