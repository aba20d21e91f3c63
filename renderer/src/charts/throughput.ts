import type { Counters } from '../../../shared/contract';
import { ColumnRing } from './ring';

/** Five minutes at the engine's one report a second. */
export const THROUGHPUT_POINTS = 300;

export const T_TIME = 0;
export const T_BYTES_IN = 1;
export const T_BYTES_OUT = 2;
export const T_MESSAGES_IN = 3;
export const T_MESSAGES_OUT = 4;

/** One report of a session's counters: the periodic `stats` event or a `stats.get` answer. */
export interface CounterSample {
  counters: Counters;
  /** Wall-clock ms when the engine took the figures (`SessionStats.takenAt`), else when the page got them. */
  atMs: number;
}

/**
 * Rates over the last minutes from the session's cumulative counters: each report after the first gives
 * one point, the change of each counter divided by the time between the two reports. Counting happens in
 * the engine, so a flood costs this one subtraction per second, not one per record. Today a message is a
 * record (one read or one datagram), `packetsIn`/`packetsOut` in the counters.
 */
export class ThroughputTracker {
  readonly ring = new ColumnRing(5, THROUGHPUT_POINTS);
  /** Moves on every point, so a view knows when to redraw. */
  version = 0;
  private previous: CounterSample | undefined;

  add(sample: CounterSample): boolean {
    const before = this.previous;
    if (before && before.counters === sample.counters) return false;
    const seconds = before ? (sample.atMs - before.atMs) / 1000 : 0;
    // The same report seen twice (a command's answer copies it) has no time between: it is no news.
    if (before && seconds <= 0) return false;
    this.previous = sample;
    const now = sample.counters;
    // First report, or the counters were reset in between: there is nothing to subtract from.
    if (!before || now.since !== before.counters.since || now.bytesIn < before.counters.bytesIn) return false;
    const was = before.counters;
    this.ring.push([
      sample.atMs / 1000,
      (now.bytesIn - was.bytesIn) / seconds,
      (now.bytesOut - was.bytesOut) / seconds,
      (now.packetsIn - was.packetsIn) / seconds,
      (now.packetsOut - was.packetsOut) / seconds,
    ]);
    this.version++;
    return true;
  }

  clear(): void {
    this.ring.clear();
    this.previous = undefined;
    this.version++;
  }
}
