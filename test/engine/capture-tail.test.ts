import { describe, expect, it } from 'vitest';
import { CaptureStore } from '../../engine/capture';

function append(store: CaptureStore, size: number, fill: number): void {
  store.append({
    connectionId: null,
    dir: 'rx',
    wallUs: 1,
    monoUs: 2,
    peer: '127.0.0.1:7',
    bytes: new Uint8Array(size).fill(fill),
  });
}

// A reconnecting view reads a snapshot of the newest records; `tailBytes` keeps that reply small however big they are.
describe('CaptureStore.read with tailBytes', () => {
  it('returns only the newest records whose payloads fit, ending where the range ends', () => {
    const store = new CaptureStore('s1', 64 << 20);
    for (let i = 1; i <= 100; i++) append(store, 64 * 1024, i);
    const read = store.read(1, 2000, 256 * 1024);
    expect(read.records.map((r) => r.seq)).toEqual([97, 98, 99, 100]);
    expect(read.records.map((r) => r.bytes[0])).toEqual([97, 98, 99, 100]);
    expect(read.nextSeq).toBe(101);
  });

  it('always returns the newest record, even one bigger than the budget', () => {
    const store = new CaptureStore('s1', 64 << 20);
    append(store, 10, 1);
    append(store, 100_000, 2);
    expect(store.read(1, 10, 1000).records.map((r) => r.seq)).toEqual([2]);
  });

  it('changes nothing when everything fits, and respects fromSeq and limit', () => {
    const store = new CaptureStore('s1', 64 << 20);
    for (let i = 1; i <= 10; i++) append(store, 100, i);
    expect(store.read(3, 5, 1_000_000).records.map((r) => r.seq)).toEqual([3, 4, 5, 6, 7]);
    expect(store.read(3, 5, 250).records.map((r) => r.seq)).toEqual([6, 7]);
    expect(new CaptureStore('s2', 1 << 20).read(1, 10, 100).records).toEqual([]);
  });
});
