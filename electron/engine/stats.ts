import type { Counters } from '../../shared/contract/events';

/** Rates come from 100 ms buckets; ten of them span the one-second window the UI shows. */
const BUCKET_MS = 100;
const SLOTS = 10;
/** Below this age a meter's rate would swing wildly on its first few chunks. */
const MIN_WINDOW_MS = 100;

export interface MeterOptions {
  /** Each add is also counted there: a connection's meter feeds its session's. */
  parent?: Meter;
  /** Monotonic milliseconds; tests pass a fake one. */
  clock?: () => number;
}

/**
 * Byte and packet counters plus a rate over the last second. Each add costs O(1) and no timers run:
 * a slot is lazily reset when its bucket key moves on, and stale slots are skipped when reading.
 */
export class Meter {
  bytesIn = 0;
  bytesOut = 0;
  packetsIn = 0;
  packetsOut = 0;
  /** Wall-clock ms of the last reset. */
  since = Date.now();

  private readonly parent: Meter | undefined;
  private readonly clock: () => number;
  private readonly keys = new Float64Array(SLOTS).fill(-Infinity);
  private readonly inBuckets = new Float64Array(SLOTS);
  private readonly outBuckets = new Float64Array(SLOTS);
  private startMono: number;

  constructor(options: MeterOptions = {}) {
    this.parent = options.parent;
    this.clock = options.clock ?? (() => performance.now());
    this.startMono = this.clock();
  }

  addIn(bytes: number): void {
    this.bytesIn += bytes;
    this.packetsIn++;
    this.inBuckets[this.slotFor(this.clock())] += bytes;
    this.parent?.addIn(bytes);
  }

  addOut(bytes: number): void {
    this.bytesOut += bytes;
    this.packetsOut++;
    this.outBuckets[this.slotFor(this.clock())] += bytes;
    this.parent?.addOut(bytes);
  }

  /** Bytes per second in and out over the last second (shorter if the meter is younger). */
  rates(): { rateIn: number; rateOut: number } {
    const now = this.clock();
    const key = Math.floor(now / BUCKET_MS);
    let sumIn = 0;
    let sumOut = 0;
    for (let i = 0; i < SLOTS; i++) {
      if (this.keys[i]! > key - SLOTS && this.keys[i]! <= key) {
        sumIn += this.inBuckets[i]!;
        sumOut += this.outBuckets[i]!;
      }
    }
    // The window runs from the start of the oldest counted bucket to now, or from the last reset.
    const windowStart = Math.max((key - SLOTS + 1) * BUCKET_MS, this.startMono);
    const windowMs = Math.max(now - windowStart, MIN_WINDOW_MS);
    return { rateIn: Math.round((sumIn * 1000) / windowMs), rateOut: Math.round((sumOut * 1000) / windowMs) };
  }

  snapshot(): Counters {
    const { rateIn, rateOut } = this.rates();
    return {
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      packetsIn: this.packetsIn,
      packetsOut: this.packetsOut,
      rateIn,
      rateOut,
      since: this.since,
    };
  }

  /** Only this meter: a parent keeps what it already counted. */
  reset(): void {
    this.bytesIn = 0;
    this.bytesOut = 0;
    this.packetsIn = 0;
    this.packetsOut = 0;
    this.since = Date.now();
    this.keys.fill(-Infinity);
    this.inBuckets.fill(0);
    this.outBuckets.fill(0);
    this.startMono = this.clock();
  }

  private slotFor(now: number): number {
    const key = Math.floor(now / BUCKET_MS);
    const slot = ((key % SLOTS) + SLOTS) % SLOTS;
    if (this.keys[slot] !== key) {
      this.keys[slot] = key;
      this.inBuckets[slot] = 0;
      this.outBuckets[slot] = 0;
    }
    return slot;
  }
}
