import type { Counters } from '../shared/contract/events';

/** Rates come from 100 ms buckets; ten of them span the one-second window the UI shows. */
const BUCKET_MS = 100;
const SLOTS = 10;
const IN = SLOTS;
const OUT = SLOTS * 2;
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
  /** Moves on every add and reset: "did anything happen since I last looked" without comparing numbers. */
  version = 0;

  private readonly parent: Meter | undefined;
  private readonly clock: () => number;
  /**
   * Bucket keys, then bytes in, then bytes out, SLOTS each, in one array: a server holding 10,000
   * connections has 10,000 meters, and each typed array is an object plus an allocation of its own.
   */
  private readonly buckets = new Float64Array(SLOTS * 3).fill(-Infinity, 0, SLOTS);
  private startMono: number;
  /** The bucket the last add went to, and where its 100 ms begin. */
  private lastSlot = 0;
  private slotFromMs = Number.NaN;

  constructor(options: MeterOptions = {}) {
    this.parent = options.parent;
    this.clock = options.clock ?? (() => performance.now());
    this.startMono = this.clock();
  }

  /**
   * `nowMs`: the caller's own reading of the monotonic clock (performance.now), when it has one; the receive
   * path stamps every record anyway, and a second reading per datagram was a measurable share of its cost.
   */
  addIn(bytes: number, nowMs = this.clock()): void {
    this.version++;
    this.bytesIn += bytes;
    this.packetsIn++;
    this.buckets[IN + this.slotFor(nowMs)] += bytes;
    this.parent?.addIn(bytes, nowMs);
  }

  addOut(bytes: number, nowMs = this.clock()): void {
    this.version++;
    this.bytesOut += bytes;
    this.packetsOut++;
    this.buckets[OUT + this.slotFor(nowMs)] += bytes;
    this.parent?.addOut(bytes, nowMs);
  }

  /** Bytes per second in and out over the last second (shorter if the meter is younger). */
  rates(): { rateIn: number; rateOut: number } {
    const now = this.clock();
    const key = Math.floor(now / BUCKET_MS);
    let sumIn = 0;
    let sumOut = 0;
    for (let i = 0; i < SLOTS; i++) {
      const slotKey = this.buckets[i]!;
      if (slotKey > key - SLOTS && slotKey <= key) {
        sumIn += this.buckets[IN + i]!;
        sumOut += this.buckets[OUT + i]!;
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
    this.version++;
    this.bytesIn = 0;
    this.bytesOut = 0;
    this.packetsIn = 0;
    this.packetsOut = 0;
    this.since = Date.now();
    this.buckets.fill(-Infinity, 0, SLOTS).fill(0, SLOTS);
    this.slotFromMs = Number.NaN;
    this.startMono = this.clock();
  }

  private slotFor(now: number): number {
    // Most adds land in the bucket of the add before: one comparison instead of two float modulos per datagram.
    if (now >= this.slotFromMs && now < this.slotFromMs + BUCKET_MS) return this.lastSlot;
    const key = Math.floor(now / BUCKET_MS);
    const slot = ((key % SLOTS) + SLOTS) % SLOTS;
    if (this.buckets[slot] !== key) {
      this.buckets[slot] = key;
      this.buckets[IN + slot] = 0;
      this.buckets[OUT + slot] = 0;
    }
    this.slotFromMs = key * BUCKET_MS;
    this.lastSlot = slot;
    return slot;
  }
}
