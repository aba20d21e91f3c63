import { describe, expect, it } from 'vitest';
import { chartCsv, csvField, isoMicros } from '../../renderer/src/charts/csv';
import { ColumnRing } from '../../renderer/src/charts/ring';
import {
  ThroughputTracker,
  T_BYTES_IN,
  T_BYTES_OUT,
  T_MESSAGES_IN,
  T_MESSAGES_OUT,
} from '../../renderer/src/charts/throughput';
import type { Counters } from '../../shared/contract';

// The charts' memory and their exports: a ring that never grows past its rows and keeps their order, a CSV
// a spreadsheet reads back, and rates that come from the engine's counters.

describe('ColumnRing', () => {
  it('keeps rows oldest first and forgets the oldest beyond its capacity', () => {
    const ring = new ColumnRing(2, 3);
    for (let i = 1; i <= 5; i++) ring.push([i, i * 10]);
    expect(ring.length).toBe(3);
    expect(ring.forgotten).toBe(2);
    expect(Array.from(ring.ordered(0))).toEqual([3, 4, 5]);
    expect(Array.from(ring.ordered(1))).toEqual([30, 40, 50]);
    expect(ring.get(0, 0)).toBe(3);
    expect(ring.last(1)).toBe(50);
    expect(ring.get(0, 3)).toBeNaN();
  });

  it('fills missing values with NaN and finds the newest real one', () => {
    const ring = new ColumnRing(2, 4);
    ring.push([1, 7]);
    ring.push([2]);
    expect(ring.last(1)).toBeNaN();
    expect(ring.lastValue(1)).toEqual({ index: 0, value: 7 });
    expect(new ColumnRing(1, 1).lastValue(0)).toBeUndefined();
  });

  it('copies into a buffer it is given when it fits, and starts again after clear', () => {
    const ring = new ColumnRing(1, 4);
    for (let i = 0; i < 6; i++) ring.push([i]);
    const buffer = new Float64Array(10);
    const out = ring.ordered(0, buffer);
    expect(out.buffer).toBe(buffer.buffer);
    expect(Array.from(out)).toEqual([2, 3, 4, 5]);
    ring.clear();
    expect(ring.length).toBe(0);
    expect(Array.from(ring.ordered(0))).toEqual([]);
    ring.push([9]);
    expect(Array.from(ring.ordered(0))).toEqual([9]);
  });

  it('refuses a capacity of zero rows', () => {
    expect(() => new ColumnRing(1, 0)).toThrow(/at least one row/);
  });
});

describe('CSV export', () => {
  it('writes a header and one line per row, time in ISO 8601 UTC with microseconds, empty cells for no value', () => {
    const ring = new ColumnRing(3, 10);
    const t0 = Date.UTC(2026, 10, 30, 5, 0, 0, 123) * 1000 + 456;
    ring.push([t0, 21.5, 1]);
    ring.push([t0 + 1_000_000, 22, NaN]);
    expect(chartCsv(['T', 'humidity, %'], ring)).toBe(
      'time,T,"humidity, %"\r\n' + '2026-11-30T05:00:00.123456Z,21.5,1\r\n' + '2026-11-30T05:00:01.123456Z,22,\r\n',
    );
  });

  it('quotes fields a spreadsheet would split', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(isoMicros(1_000_001)).toBe('1970-01-01T00:00:01.000001Z');
  });
});

function counters(bytesIn: number, packetsIn: number, bytesOut = 0, packetsOut = 0, since = 1): Counters {
  return { bytesIn, bytesOut, packetsIn, packetsOut, rateIn: 0, rateOut: 0, since };
}

describe('ThroughputTracker', () => {
  it('turns two reports into bytes and messages per second over the time between them', () => {
    const tracker = new ThroughputTracker();
    expect(tracker.add({ counters: counters(0, 0), atMs: 10_000 })).toBe(false);
    expect(tracker.add({ counters: counters(4096, 64, 100, 2), atMs: 12_000 })).toBe(true);
    const ring = tracker.ring;
    expect(ring.length).toBe(1);
    expect(ring.last(0)).toBe(12);
    expect(ring.last(T_BYTES_IN)).toBe(2048);
    expect(ring.last(T_MESSAGES_IN)).toBe(32);
    expect(ring.last(T_BYTES_OUT)).toBe(50);
    expect(ring.last(T_MESSAGES_OUT)).toBe(1);
  });

  it('ignores a report seen again and starts over after the counters were reset', () => {
    const tracker = new ThroughputTracker();
    const first = counters(1000, 10);
    tracker.add({ counters: first, atMs: 1000 });
    expect(tracker.add({ counters: first, atMs: 2000 })).toBe(false);
    expect(tracker.add({ counters: counters(1000, 10), atMs: 1000 })).toBe(false);
    // stats.reset: a new `since`, smaller numbers. No negative rate; the next report measures from here.
    expect(tracker.add({ counters: counters(10, 1, 0, 0, 2), atMs: 3000 })).toBe(false);
    expect(tracker.add({ counters: counters(1010, 2, 0, 0, 2), atMs: 4000 })).toBe(true);
    expect(tracker.ring.last(T_BYTES_IN)).toBe(1000);
    expect(tracker.ring.length).toBe(1);
  });

  it('keeps five minutes of one-second points and no more', () => {
    const tracker = new ThroughputTracker();
    for (let s = 0; s <= 400; s++) tracker.add({ counters: counters(s * 10, s), atMs: s * 1000 });
    expect(tracker.ring.length).toBe(300);
    expect(tracker.ring.get(0, 0)).toBe(101);
  });
});
