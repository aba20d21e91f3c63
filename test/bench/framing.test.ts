import { describe, expect, it } from 'vitest';
import { benchFraming, FRAMING_SMOKE } from '../../bench/framing';

// The framing benchmark at small scale, through the same code as `npm run bench -- framing`: only
// correctness is asserted (every byte counted, every line one good message); its rates mean nothing here.

describe('benchmark smoke: framing at ingest', () => {
  it('every 64-byte line written to a framed session is heard as one good 63-byte message, every byte counted', async () => {
    const result = await benchFraming(FRAMING_SMOKE, 'smoke');
    expect(result.error).toBeUndefined();
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    const framed = result.runs.filter((run) => run.side === 'framed');
    expect(framed).toHaveLength(FRAMING_SMOKE.reps);
    expect(framed[0].messages).toEqual({
      count: FRAMING_SMOKE.totalBytes / 64,
      bytes: (FRAMING_SMOKE.totalBytes / 64) * 63,
      bad: 0,
    });
  }, 120_000);
});
