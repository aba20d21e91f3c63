import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { RECEIVED_BYTES_PER_YOUNG_COLLECTION, receivedDatagram } from '../../engine/young-collections';

// Received datagrams pace V8's young collections (engine/young-collections.ts): after every
// RECEIVED_BYTES_PER_YOUNG_COLLECTION of them one runs, whatever else the process allocates, so their ArrayBuffers
// never add up to the old generation's limit. Counted here through V8's own GC entries.

let observer: PerformanceObserver | undefined;
afterEach(() => observer?.disconnect());

/** Young collections V8 reports while `run` runs (entries arrive asynchronously, so they are awaited). */
async function youngCollectionsDuring(run: () => void): Promise<number> {
  const seen: PerformanceEntry[] = [];
  observer = new PerformanceObserver((list) => seen.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  run();
  await new Promise((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  return seen.filter(
    (entry) =>
      (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR,
  ).length;
}

describe('young collections paced by received datagrams', () => {
  it('runs one after each RECEIVED_BYTES_PER_YOUNG_COLLECTION of datagrams, and none for less', async () => {
    const datagram = 1400;
    const perCollection = Math.ceil(RECEIVED_BYTES_PER_YOUNG_COLLECTION / datagram);
    // One datagram of the whole amount collects at once and starts the count again from zero.
    const restart = () => receivedDatagram(RECEIVED_BYTES_PER_YOUNG_COLLECTION);
    await youngCollectionsDuring(restart);
    expect(
      await youngCollectionsDuring(() => {
        for (let i = 0; i < perCollection - 1; i++) receivedDatagram(datagram);
      }),
    ).toBe(0);
    await youngCollectionsDuring(restart);
    // Five collections' worth, the loop allocating nothing itself (one more is V8's own, at most).
    const five = await youngCollectionsDuring(() => {
      for (let i = 0; i < 5 * perCollection; i++) receivedDatagram(datagram);
    });
    expect(five).toBeGreaterThanOrEqual(5);
    expect(five).toBeLessThanOrEqual(6);
  });
});
