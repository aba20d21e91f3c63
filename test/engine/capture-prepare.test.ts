import { describe, expect, it } from 'vitest';
import { CaptureStore } from '../../engine/capture';

// A started session's capture allocates its first blocks before the socket opens (CaptureStore.prepare), so the first
// records of a flood go into memory that is already there. Seen from outside as the process's ArrayBuffer memory: it
// grows when the store is prepared, not while the first records arrive, and never past what the cap allows. Only the
// first 8 MiB are touched up front; the rest costs address space, not resident memory, until records fill it.

const MiB = 1024 * 1024;
const arrayBuffers = () => process.memoryUsage().arrayBuffers;
/**
 * Every store stays reachable to the end: one freed by a collection that an allocation below starts would take its
 * blocks off the count being measured. Other garbage freed that way is why the bounds leave a few MiB.
 */
const stores: CaptureStore[] = [];
const newStore = (id: string, capBytes: number) => {
  const store = new CaptureStore(id, capBytes);
  stores.push(store);
  return store;
};

function datagrams(store: CaptureStore, bytes: number): void {
  const payload = new Uint8Array(1400).fill(7);
  for (let sent = 0; sent < bytes; sent += payload.byteLength)
    store.append({ connectionId: null, dir: 'rx', peer: '127.0.0.1:9', bytes: payload, wallUs: 1, monoUs: 1 });
}

describe('CaptureStore.prepare', () => {
  it('allocates the blocks for the first 64 MiB of records up front, so they allocate no more', () => {
    const store = newStore('s1', 64 * MiB);
    const before = arrayBuffers();
    store.prepare();
    const prepared = arrayBuffers();
    expect(prepared - before).toBeGreaterThanOrEqual(56 * MiB);
    // Past the 8 MiB that were touched: a new block would add 4 MiB; the columns that grow with the records add less.
    datagrams(store, 32 * MiB);
    expect(arrayBuffers() - prepared).toBeLessThan(4 * MiB);
    expect(store.stats().records).toBe(Math.ceil((32 * MiB) / 1400));
    // Once it holds blocks, preparing again takes nothing more.
    const held = arrayBuffers();
    store.prepare();
    expect(arrayBuffers() - held).toBeLessThan(1 * MiB);
  });

  it('makes only the first 8 MiB resident', () => {
    const store = newStore('s1', 64 * MiB);
    const before = process.memoryUsage().rss;
    store.prepare();
    expect(process.memoryUsage().rss - before).toBeLessThan(32 * MiB);
  });

  it('never allocates more than the cap holds, nor more than 64 MiB of a bigger cap', () => {
    const small = newStore('s2', 1 * MiB);
    let before = arrayBuffers();
    small.prepare();
    const taken = arrayBuffers() - before;
    expect(taken).toBeGreaterThan(0);
    expect(taken).toBeLessThanOrEqual(4 * MiB);

    const big = newStore('s3', 1024 * MiB);
    before = arrayBuffers();
    big.prepare();
    expect(arrayBuffers() - before).toBeLessThanOrEqual(68 * MiB);
  });
});
