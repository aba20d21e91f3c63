import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CaptureStore,
  MAX_READ_RECORD_BYTES,
  READ_AREA_BYTES,
  ReadArea,
  RECORD_OVERHEAD_BYTES,
} from '../../engine/capture';

// Read areas lend part of a capture block to a socket, which reads into it before the read becomes a record
// where it lies. Several sockets hold areas at once, small payloads are copied in between, eviction and clear
// run while areas are out: whatever the order, every held record must read back exactly the bytes it got.

const MIB = 1024 * 1024;

type Op =
  | { kind: 'read'; socket: number; size: number; fill: number }
  | { kind: 'append'; size: number; fill: number; copy: boolean }
  | { kind: 'close'; socket: number }
  | { kind: 'clear' };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('read' as const),
      socket: fc.nat(3),
      size: fc.oneof(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: READ_AREA_BYTES })),
      fill: fc.nat(255),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      size: fc.integer({ min: 0, max: 20_000 }),
      fill: fc.nat(255),
      copy: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), socket: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
);

function payload(size: number, fill: number, seq: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (fill + seq * 7 + i) & 0xff;
  return bytes;
}

const fields = (bytes: Uint8Array) => ({
  connectionId: 'c',
  dir: 'rx' as const,
  peer: '127.0.0.1:9',
  bytes,
  wallUs: 1,
  monoUs: 2,
  encoding: undefined,
});

describe('CaptureStore read areas', () => {
  it('reads committed in place, copies and evictions interleave without one record touching another (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 256 * 1024, max: 9 * MIB }), fc.array(op, { maxLength: 400 }), (cap, ops) => {
        const store = new CaptureStore('s', cap);
        const areas = [0, 1, 2, 3].map(() => new ReadArea());
        const model = new Map<number, Uint8Array>();
        for (const step of ops) {
          const next = store.nextSeq;
          if (step.kind === 'read') {
            const area = areas[step.socket]!;
            expect(store.reserveRead(area)).toBe(true);
            expect(area.bytes.byteLength).toBe(READ_AREA_BYTES);
            // The kernel writes the read into the area; what the store held before must not change.
            const bytes = payload(step.size, step.fill, next);
            area.bytes.set(bytes);
            // A read bigger than MAX_READ_RECORD_BYTES becomes several records, in order.
            for (let from = 0, seq = next; from < step.size; from += MAX_READ_RECORD_BYTES, seq++) {
              const part = area.bytes.subarray(from, Math.min(step.size, from + MAX_READ_RECORD_BYTES));
              expect(store.commitRead(area, fields(part))).toBe(seq);
              model.set(seq, bytes.subarray(from, from + MAX_READ_RECORD_BYTES));
            }
            store.finishRead(area, step.size);
            expect(area.block).toBe(-1);
          } else if (step.kind === 'append') {
            const bytes = payload(step.size, step.fill, next);
            if (step.copy) {
              // A shared read buffer: the caller scribbles over it right after.
              const shared = bytes.slice();
              expect(store.appendCopy(fields(shared))).toBe(next);
              shared.fill(0xee);
            } else store.append(fields(bytes));
            model.set(next, bytes);
          } else if (step.kind === 'close') {
            store.releaseRead(areas[step.socket]!);
          } else {
            store.clear();
            model.clear();
          }
          // Sockets that read before keep an area lent between reads, as a socket between two reads does.
          for (const area of areas.slice(0, 2)) store.reserveRead(area);
        }
        const stats = store.stats();
        expect(stats.bytes + stats.records * RECORD_OVERHEAD_BYTES <= cap || stats.records === 1).toBe(true);
        const { records } = store.read(0, Number.POSITIVE_INFINITY);
        expect(records.length).toBe(stats.records);
        for (const record of records) expect(Buffer.from(record.bytes).equals(model.get(record.seq)!)).toBe(true);
        for (const area of areas) store.releaseRead(area);
      }),
      { numRuns: 60 },
    );
  });

  it('lends a bounded number of areas; the rest read through the shared buffer', () => {
    const store = new CaptureStore('s', 64 * MIB);
    const areas = Array.from({ length: 40 }, () => new ReadArea());
    const lent = areas.filter((area) => store.reserveRead(area)).length;
    expect(lent).toBeGreaterThan(0);
    expect(lent).toBeLessThan(areas.length);
    store.releaseRead(areas[0]!);
    expect(store.reserveRead(areas[areas.length - 1]!)).toBe(true);
  });
});
