import { describe, expect, it } from 'vitest';
import { CaptureStore } from '../../engine/capture';

// A started session's capture readies its first blocks before the socket opens (CaptureStore.prepare), so the first
// records of a flood go into memory that is already there. Seen from outside as the process's ArrayBuffer memory:
// it grows when the store is prepared, not while the first records arrive, and never past what the cap allows.

const MiB = 1024 * 1024;
const arrayBuffers = () => process.memoryUsage().arrayBuffers;

function datagrams(store: CaptureStore, bytes: number): void {
  const payload = new Uint8Array(1400).fill(7);
  for (let sent = 0; sent < bytes; sent += payload.byteLength)
    store.append({ connectionId: null, dir: 'rx', peer: '127.0.0.1:9', bytes: payload, wallUs: 1, monoUs: 1 });
}

describe('CaptureStore.prepare', () => {
  it('takes the memory for the first 8 MiB of records up front, so they allocate no more', () => {
    const store = new CaptureStore('s1', 64 * MiB);
    const before = arrayBuffers();
    store.prepare();
    const prepared = arrayBuffers();
    expect(prepared - before).toBeGreaterThanOrEqual(8 * MiB);
    datagrams(store, 7 * MiB);
    expect(arrayBuffers() - prepared).toBeLessThan(1 * MiB);
    expect(store.stats().records).toBe(Math.ceil((7 * MiB) / 1400));
    // Once it holds blocks, preparing again takes nothing more.
    const held = arrayBuffers();
    store.prepare();
    expect(arrayBuffers() - held).toBeLessThan(1 * MiB);
  });

  it('never readies more than the cap holds', () => {
    const store = new CaptureStore('s1', 1 * MiB);
    const before = arrayBuffers();
    store.prepare();
    const taken = arrayBuffers() - before;
    expect(taken).toBeGreaterThan(0);
    expect(taken).toBeLessThanOrEqual(4 * MiB);
  });
});
