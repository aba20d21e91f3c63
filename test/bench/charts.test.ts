import { describe, expect, it } from 'vitest';
import { benchCharts, CHARTS_SMOKE } from '../../bench/charts';

// The value-chart benchmark at small scale, through the same code as `npm run bench -- charts`. Correctness
// only: every message gave its point, and the newest point is the newest message's value.

describe('benchmark smoke: charts', () => {
  it('a regex value chart takes one point from every received message', async () => {
    const result = await benchCharts(CHARTS_SMOKE, 'smoke');
    expect(result.error).toBeUndefined();
    expect(result.checks.map((c) => [c.what, c.ok, c.detail])).toEqual([
      [
        'one point per message',
        true,
        `${CHARTS_SMOKE.messages.toLocaleString('en-US')} points from ${CHARTS_SMOKE.messages.toLocaleString('en-US')} messages`,
      ],
      ['the newest point is the newest message’s value', true, expect.any(String)],
    ]);
  });
});
