import { describe, expect, it } from 'vitest';
import { Meter } from '../../engine/stats';

function fakeClock(start = 10_000) {
  let now = start;
  return { clock: () => now, advance: (ms: number) => void (now += ms) };
}

describe('Meter', () => {
  it('counts bytes and packets exactly', () => {
    const m = new Meter();
    m.addIn(100);
    m.addIn(0);
    m.addIn(65_507);
    m.addOut(3);
    const s = m.snapshot();
    expect(s).toMatchObject({ bytesIn: 65_607, packetsIn: 3, bytesOut: 3, packetsOut: 1 });
    expect(Math.abs(s.since - Date.now())).toBeLessThan(5000);
  });

  it('forwards to its parent, and reset touches only itself', () => {
    const session = new Meter();
    const a = new Meter({ parent: session });
    const b = new Meter({ parent: session });
    a.addIn(10);
    b.addIn(5);
    b.addOut(7);
    expect(session.snapshot()).toMatchObject({ bytesIn: 15, packetsIn: 2, bytesOut: 7, packetsOut: 1 });
    a.reset();
    expect(a.snapshot()).toMatchObject({ bytesIn: 0, packetsIn: 0, bytesOut: 0, packetsOut: 0, rateIn: 0, rateOut: 0 });
    expect(session.snapshot().bytesIn).toBe(15);
  });

  it('computes the rate over the last second (fake clock)', () => {
    const t = fakeClock();
    const m = new Meter({ clock: t.clock });
    // 1000 bytes every 100 ms for 3 s = 10 000 B/s.
    for (let i = 0; i < 30; i++) {
      m.addIn(1000);
      m.addOut(500);
      t.advance(100);
    }
    const s = m.snapshot();
    expect(s.rateIn).toBeGreaterThanOrEqual(9000);
    expect(s.rateIn).toBeLessThanOrEqual(11_000);
    expect(s.rateOut).toBeGreaterThanOrEqual(4500);
    expect(s.rateOut).toBeLessThanOrEqual(5500);
    // Quiet for a while: the rate falls to 0, the totals stay.
    t.advance(1100);
    expect(m.snapshot()).toMatchObject({ rateIn: 0, rateOut: 0, bytesIn: 30_000, bytesOut: 15_000 });
  });

  it('does not count a stale slot from ten buckets ago', () => {
    const t = fakeClock(0);
    const m = new Meter({ clock: t.clock });
    t.advance(2000);
    m.addIn(1_000_000);
    t.advance(1000); // same ring slot as the add, one full turn later
    expect(m.rates().rateIn).toBe(0);
    m.addIn(1);
    expect(m.rates().rateIn).toBeLessThan(10);
  });

  it('counts an add right after a reset, in the same 100 ms as the adds before it', () => {
    const t = fakeClock(7_000);
    const m = new Meter({ clock: t.clock });
    t.advance(500);
    m.addIn(5000);
    t.advance(10);
    m.reset();
    t.advance(10);
    m.addIn(300);
    t.advance(80);
    // Only the 300 bytes since the reset, over the 100 ms floor of a young window.
    expect(m.rates().rateIn).toBe(3000);
  });

  it('does not inflate the rate of a young meter', () => {
    const t = fakeClock(5_050);
    const m = new Meter({ clock: t.clock });
    t.advance(200);
    m.addIn(2000);
    // 2000 bytes in the 200 ms the meter has existed.
    expect(m.rates().rateIn).toBe(10_000);
    m.reset();
    expect(m.rates().rateIn).toBe(0);
  });

  it('gives a plausible rate on the real clock', async () => {
    const m = new Meter();
    const start = performance.now();
    for (let i = 0; i < 5; i++) {
      m.addIn(10_000);
      await new Promise((r) => setTimeout(r, 50));
    }
    const elapsedS = (performance.now() - start) / 1000;
    const { rateIn, rateOut } = m.snapshot();
    // 50 000 bytes over roughly elapsedS seconds; timers are coarse, so allow a wide band.
    expect(rateIn).toBeGreaterThan((50_000 / elapsedS) * 0.5);
    expect(rateIn).toBeLessThan((50_000 / elapsedS) * 2);
    expect(rateOut).toBe(0);
  });
});
