import { describe, expect, it } from 'vitest';
import { benchConnections, CONNECTIONS_SMOKE } from '../../bench/connections';
import { benchEcho, ECHO_SMOKE } from '../../bench/echo';
import type { BenchResult } from '../../bench/lib/result';

// The connection and echo benchmarks at small scale, through the same code as `npm run bench`.
// Correctness only: every client accepted and still open, every echo byte for byte.

function failures(result: BenchResult): string[] {
  return [
    ...(result.error ? [`did not finish: ${result.error}`] : []),
    ...result.checks.filter((c) => !c.ok).map((c) => `${c.what}: ${c.detail}`),
  ];
}

describe('benchmark smoke: sessions', () => {
  it('connections: every client is accepted and held by a server session, and the UI gets every connection event', async () => {
    const result = await benchConnections(CONNECTIONS_SMOKE, 'smoke');
    expect(failures(result)).toEqual([]);
    const sockpit = result.runs.find((run) => run.side === 'sockpit')!;
    expect(sockpit.accepted).toBe(CONNECTIONS_SMOKE.count);
    expect(sockpit.listed).toBe(CONNECTIONS_SMOKE.count);
    expect(sockpit.ui!.events).toBeGreaterThanOrEqual(CONNECTIONS_SMOKE.count);
  }, 120_000);

  it('echo: a server session with echo on answers every round trip with exactly the bytes sent, and counts them both ways', async () => {
    const result = await benchEcho(ECHO_SMOKE, 'smoke');
    expect(result.skipped).toBeUndefined();
    expect(failures(result)).toEqual([]);
    expect(result.sockpit!.count).toBe(ECHO_SMOKE.rounds);
    expect(result.bare!.count).toBe(ECHO_SMOKE.rounds);
  }, 120_000);
});
