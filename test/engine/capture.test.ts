import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CaptureStore, nowStamp, RECORD_OVERHEAD_BYTES, type CaptureFields } from '../../engine/capture';

function fields(size: number, dir: 'rx' | 'tx' = 'rx'): CaptureFields {
  return { connectionId: null, dir, wallUs: 1, monoUs: 2, peer: '127.0.0.1:7', bytes: new Uint8Array(size) };
}

const acc = (size: number) => size + RECORD_OVERHEAD_BYTES;

describe('CaptureStore', () => {
  it('assigns seq 1, 2, 3 … and keeps the very same bytes', () => {
    const store = new CaptureStore('s1', 1 << 20);
    const bytes = new Uint8Array([1, 2, 3]);
    const a = store.append({ connectionId: 'c1', dir: 'rx', wallUs: 10, monoUs: 20, peer: '[::1]:80', bytes });
    const b = store.append(fields(5, 'tx'));
    expect(a).toEqual({
      seq: 1,
      sessionId: 's1',
      connectionId: 'c1',
      dir: 'rx',
      wallUs: 10,
      monoUs: 20,
      peer: '[::1]:80',
      bytes,
    });
    expect(a.bytes).toBe(bytes);
    expect(b.seq).toBe(2);
    expect(store.stats()).toEqual({
      records: 2,
      bytes: 8,
      capBytes: 1 << 20,
      evictedRecords: 0,
      evictedBytes: 0,
      firstSeq: 1,
      lastSeq: 2,
    });
  });

  it('names every record by its own peer when a peer comes back after all its records were evicted', () => {
    const store = new CaptureStore('s', 4 * (100 + RECORD_OVERHEAD_BYTES));
    const from = (peer: string) => ({ ...fields(100), peer });
    for (let i = 0; i < 4; i++) store.append(from('10.0.0.1:1'));
    // The second peer's records push out every record of the first, then the first peer sends again.
    for (let i = 0; i < 4; i++) store.append(from('10.0.0.2:2'));
    store.append(from('10.0.0.1:1'));
    store.append(from('10.0.0.3:3'));
    expect(store.read(0, Infinity).records.map((r) => r.peer)).toEqual([
      '10.0.0.2:2',
      '10.0.0.2:2',
      '10.0.0.1:1',
      '10.0.0.3:3',
    ]);
    store.clear();
    store.append(from('10.0.0.3:3'));
    expect(store.get(store.nextSeq - 1)?.peer).toBe('10.0.0.3:3');
    // Room for one record: each record from a peer evicts that same peer's last one before it is named.
    store.setCap(100 + RECORD_OVERHEAD_BYTES);
    store.append(from('10.0.0.4:4'));
    store.append(from('10.0.0.4:4'));
    store.setCap(1 << 20);
    store.append(from('10.0.0.5:5'));
    expect(store.read(0, Infinity).records.map((r) => r.peer)).toEqual(['10.0.0.4:4', '10.0.0.5:5']);
  });

  it('never reuses a seq after clear or eviction', () => {
    const store = new CaptureStore('s', acc(10) * 2);
    for (let i = 0; i < 5; i++) store.append(fields(10));
    expect(store.stats()).toMatchObject({ records: 2, firstSeq: 4, lastSeq: 5, evictedRecords: 3, evictedBytes: 30 });
    expect(store.clear()).toBe(2);
    expect(store.stats()).toMatchObject({
      records: 0,
      bytes: 0,
      firstSeq: 0,
      lastSeq: 0,
      evictedRecords: 3,
      evictedBytes: 30,
    });
    expect(store.append(fields(1)).seq).toBe(6);
    expect(store.clear()).toBe(1);
    expect(store.clear()).toBe(0);
  });

  it('keeps a single record larger than the cap, and evicts it when the next one comes', () => {
    const store = new CaptureStore('s', 1000);
    store.append(fields(100));
    const big = store.append(fields(5000));
    expect(store.stats()).toMatchObject({
      records: 1,
      bytes: 5000,
      firstSeq: 2,
      lastSeq: 2,
      evictedRecords: 1,
      evictedBytes: 100,
    });
    expect(store.get(2)).toEqual(big);
    store.append(fields(10));
    expect(store.stats()).toMatchObject({ records: 1, bytes: 10, firstSeq: 3, evictedRecords: 2, evictedBytes: 5100 });
  });

  it('bounds millions of empty records through the per-record overhead', () => {
    const cap = 64 * 1024;
    const store = new CaptureStore('s', cap);
    const empty = new Uint8Array(0);
    const f: CaptureFields = { connectionId: null, dir: 'rx', wallUs: 0, monoUs: 0, peer: 'x', bytes: empty };
    for (let i = 0; i < 1_000_000; i++) store.append(f);
    const s = store.stats();
    expect(s.records).toBe(Math.floor(cap / RECORD_OVERHEAD_BYTES));
    expect(s.lastSeq).toBe(1_000_000);
    expect(s.firstSeq).toBe(1_000_000 - s.records + 1);
    expect(s.evictedRecords).toBe(1_000_000 - s.records);
    // Seq arithmetic must survive compactions of the underlying array.
    expect(store.get(s.firstSeq)!.seq).toBe(s.firstSeq);
    expect(store.get(s.lastSeq)!.seq).toBe(s.lastSeq);
    expect(store.read(0, 3).records.map((r) => r.seq)).toEqual([s.firstSeq, s.firstSeq + 1, s.firstSeq + 2]);
  });

  it('keeps seq arithmetic right across compactions', () => {
    const store = new CaptureStore('s', acc(3) * 7);
    for (let i = 1; i <= 30_000; i++) {
      store.append(fields(3));
      if (i % 997 === 0) {
        const s = store.stats();
        expect(s.lastSeq).toBe(i);
        expect(s.firstSeq).toBe(i - 6);
        expect(store.get(s.firstSeq)!.seq).toBe(s.firstSeq);
        expect(store.get(s.firstSeq - 1)).toBeUndefined();
        expect(store.read(s.firstSeq + 2, 100).records.map((r) => r.seq)).toEqual([i - 4, i - 3, i - 2, i - 1, i]);
      }
    }
  });

  it('get() finds kept records only', () => {
    const store = new CaptureStore('s', acc(1) * 3);
    for (let i = 0; i < 5; i++) store.append(fields(1));
    expect(store.get(1)).toBeUndefined();
    expect(store.get(2)).toBeUndefined();
    expect(store.get(3)!.seq).toBe(3);
    expect(store.get(5)!.seq).toBe(5);
    expect(store.get(6)).toBeUndefined();
    expect(store.get(0)).toBeUndefined();
    expect(store.get(-1)).toBeUndefined();
    expect(store.get(3.5)).toBeUndefined();
    expect(store.get(NaN)).toBeUndefined();
    store.clear();
    expect(store.get(5)).toBeUndefined();
  });

  it('read() pages through records and reports eviction', () => {
    const store = new CaptureStore('s', acc(1) * 10);
    for (let i = 0; i < 25; i++) store.append(fields(1));
    // Kept: 16…25.
    const p1 = store.read(1, 4);
    expect(p1.records.map((r) => r.seq)).toEqual([16, 17, 18, 19]);
    expect(p1).toMatchObject({ nextSeq: 20, firstSeq: 16, evictedRecords: 15 });
    const p2 = store.read(p1.nextSeq, 4);
    expect(p2.records.map((r) => r.seq)).toEqual([20, 21, 22, 23]);
    const p3 = store.read(p2.nextSeq, 4);
    expect(p3.records.map((r) => r.seq)).toEqual([24, 25]);
    expect(p3.nextSeq).toBe(26);
    const p4 = store.read(p3.nextSeq, 4);
    expect(p4.records).toEqual([]);
    expect(p4.nextSeq).toBe(26);
    // New records show up at the cursor.
    store.append(fields(1));
    expect(store.read(p4.nextSeq, 4).records.map((r) => r.seq)).toEqual([26]);
    // A cursor from the future is pulled back to where the next record will be.
    expect(store.read(1000, 4)).toMatchObject({ records: [], nextSeq: 27 });
    expect(store.read(20, 0)).toMatchObject({ records: [], nextSeq: 20 });
  });

  it('read() on an empty or cleared store', () => {
    const store = new CaptureStore('s', 1 << 20);
    expect(store.read(0, 10)).toEqual({ records: [], nextSeq: 1, firstSeq: 0, evictedRecords: 0 });
    store.append(fields(1));
    store.append(fields(1));
    store.clear();
    expect(store.read(1, 10)).toEqual({ records: [], nextSeq: 3, firstSeq: 0, evictedRecords: 0 });
    store.append(fields(1));
    expect(store.read(1, 10).records.map((r) => r.seq)).toEqual([3]);
  });

  it('setCap() evicts at once', () => {
    const store = new CaptureStore('s', 1 << 20);
    for (let i = 0; i < 10; i++) store.append(fields(100));
    store.setCap(acc(100) * 3);
    expect(store.stats()).toMatchObject({
      records: 3,
      firstSeq: 8,
      evictedRecords: 7,
      evictedBytes: 700,
      capBytes: acc(100) * 3,
    });
    store.setCap(1);
    expect(store.stats()).toMatchObject({ records: 1, firstSeq: 10 });
  });

  it('matches a simple array model (property)', () => {
    type Op = { t: 'append'; size: number } | { t: 'clear' } | { t: 'setCap'; cap: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      {
        weight: 8,
        arbitrary: fc.record({ t: fc.constant('append' as const), size: fc.oneof(fc.nat(50), fc.nat(3000)) }),
      },
      { weight: 1, arbitrary: fc.record({ t: fc.constant('clear' as const) }) },
      { weight: 1, arbitrary: fc.record({ t: fc.constant('setCap' as const), cap: fc.nat(6000) }) },
    );
    fc.assert(
      fc.property(fc.nat(6000), fc.array(op, { maxLength: 200 }), (cap0, ops) => {
        const store = new CaptureStore('m', cap0);
        let cap = cap0;
        let model: Array<{ seq: number; size: number }> = [];
        let nextSeq = 1;
        let evictedRecords = 0;
        let evictedBytes = 0;
        const total = () => model.reduce((s, r) => s + acc(r.size), 0);
        const evict = () => {
          while (model.length > 1 && total() > cap) {
            const r = model.shift()!;
            evictedRecords++;
            evictedBytes += r.size;
          }
        };
        for (const o of ops) {
          if (o.t === 'append') {
            const rec = store.append(fields(o.size));
            expect(rec.seq).toBe(nextSeq);
            model.push({ seq: nextSeq++, size: o.size });
            evict();
            // The newest record is always kept.
            expect(store.get(rec.seq)).toEqual({ ...rec, bytes: new Uint8Array(rec.bytes) });
          } else if (o.t === 'clear') {
            expect(store.clear()).toBe(model.length);
            model = [];
          } else {
            cap = o.cap;
            store.setCap(cap);
            evict();
          }
          const s = store.stats();
          // Within the cap, or a single oversize record.
          expect(s.bytes + s.records * RECORD_OVERHEAD_BYTES <= cap || s.records === 1).toBe(true);
          expect(s).toEqual({
            records: model.length,
            bytes: model.reduce((n, r) => n + r.size, 0),
            capBytes: cap,
            evictedRecords,
            evictedBytes,
            firstSeq: model[0]?.seq ?? 0,
            lastSeq: model.at(-1)?.seq ?? 0,
          });
          const all = store.read(0, Infinity);
          expect(all.records.map((r) => [r.seq, r.bytes.byteLength])).toEqual(model.map((r) => [r.seq, r.size]));
          expect(all.nextSeq).toBe(nextSeq);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('CaptureStore payloads', () => {
  it('gives back exactly the bytes it was given, across blocks, big records, eviction and reuse', () => {
    // Sizes straddle the store's 4 MiB blocks and its own-block threshold (1 MiB); content differs per record.
    const store = new CaptureStore('s', 12 * 1024 * 1024);
    const random = fc.sample(fc.integer({ min: 0, max: 1_500_000 }), { numRuns: 300, seed: 7 });
    const kept = new Map<number, Uint8Array>();
    for (const [i, size] of random.entries()) {
      const bytes = new Uint8Array(i % 7 === 0 ? size % 300 : size);
      for (let b = 0; b < bytes.length; b += 997) bytes[b] = (i * 31 + b) & 255;
      if (bytes.length) bytes[bytes.length - 1] = i & 255;
      const seq = store.append({
        connectionId: i % 3 ? `c${i % 5}` : null,
        dir: i % 2 ? 'tx' : 'rx',
        wallUs: i,
        monoUs: i,
        peer: `127.0.0.1:${1000 + (i % 50)}`,
        bytes,
      }).seq;
      kept.set(seq, bytes);
      const { records } = store.read(0, Infinity);
      expect(records.length).toBeGreaterThan(0);
      for (const record of records) {
        expect(Buffer.from(record.bytes).equals(Buffer.from(kept.get(record.seq)!))).toBe(true);
        expect(record.peer).toBe(`127.0.0.1:${1000 + ((record.seq - 1) % 50)}`);
      }
    }
  });

  it('keeps each big payload with its own record when the columns grow while the oldest records have been evicted', () => {
    // Payloads of 8 KiB and more are kept as they came, by slot. Evictions move the ring's start; the 1024 slots then
    // fill up, wrapping round to slot 0, and the columns grow (and are unrolled) with kept payloads on both sides.
    const big = 20_000;
    const store = new CaptureStore('s', 40 * acc(big));
    const sent = new Map<number, Uint8Array>();
    const append = (size: number, mark: number) => {
      const bytes = Buffer.alloc(size, mark & 255);
      sent.set(store.append({ ...fields(0), bytes }).seq, bytes);
    };
    for (let i = 0; i < 40; i++) append(big, i);
    for (let i = 0; i < 1200; i++) append(i % 97 === 0 ? big : 1, i);
    const { records } = store.read(0, Infinity);
    expect(store.stats().evictedRecords).toBeGreaterThan(0);
    expect(records.length).toBeGreaterThan(1024);
    expect(records.filter((r) => r.bytes.length === big).length).toBeGreaterThan(10);
    for (const record of records) expect(Buffer.from(record.bytes).equals(sent.get(record.seq)!)).toBe(true);
  });

  it('read() hands out copies, even of a big payload the store keeps as it came', () => {
    const store = new CaptureStore('s', 1 << 20);
    store.append(fields(100));
    store.append({ ...fields(0), bytes: Buffer.alloc(20_000, 7) });
    for (const record of store.read(0, 10).records) record.bytes.fill(1);
    expect(store.read(0, 10).records.map((r) => r.bytes.every((b) => b === (r.seq === 1 ? 0 : 7)))).toEqual([
      true,
      true,
    ]);
  });
});

describe('nowStamp', () => {
  it('gives integer microseconds that agree with Date.now and move forward', () => {
    const a = nowStamp();
    const b = nowStamp();
    expect(Number.isInteger(a.wallUs) && Number.isInteger(a.monoUs)).toBe(true);
    expect(Math.abs(a.wallUs / 1000 - Date.now())).toBeLessThan(1000);
    expect(b.monoUs).toBeGreaterThanOrEqual(a.monoUs);
    // Both come from one performance.now() reading, so intervals agree up to rounding.
    expect(Math.abs(b.wallUs - a.wallUs - (b.monoUs - a.monoUs))).toBeLessThanOrEqual(2);
  });
});
