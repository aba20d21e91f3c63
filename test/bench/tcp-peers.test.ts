import { describe, expect, it } from 'vitest';
import { benchTcp, TCP_SMOKE } from '../../bench/tcp';
import { needs } from '../helpers/peers';

// The TCP ingest benchmark's socat row, at small scale through the same code as `npm run bench`: socat
// really receives the same writer's stream, and the report sets it beside bare Node and Sockpit.

describe('benchmark smoke: TCP ingest beside socat', () => {
  it('socat -u TCP-LISTEN … /dev/null takes the whole stream, and its rate and CPU per GiB are in the report', async (ctx) => {
    needs(ctx, 'socat');
    const result = await benchTcp(TCP_SMOKE, 'smoke');
    expect(result.error).toBeUndefined();
    const socat = result.runs.filter((run) => run.side === 'socat');
    expect(socat).toHaveLength(TCP_SMOKE.reps);
    for (const run of socat) {
      expect(run.bytes).toBe(TCP_SMOKE.totalBytes);
      expect(run.ms).toBeGreaterThan(0);
      // From the shell's `times` (10 ms steps, so 32 MiB may read as 0): a misread line would give NaN.
      expect(Number.isFinite(run.serverCpuMs) && run.serverCpuMs >= 0).toBe(true);
    }
    const beside = result.tables.find((table) => table.caption.startsWith('Beside a tool people use'));
    expect(beside?.rows.map((row) => row[0])).toEqual(['bare Node', 'Sockpit', 'socat']);
    expect(beside!.rows[2]![1]).toMatch(/[MG]B\/s$/);
    expect(result.tables[0]!.rows.filter((row) => row[1] === 'socat')).toHaveLength(TCP_SMOKE.reps);
  }, 120_000);
});
