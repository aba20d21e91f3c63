import { describe, expect, it } from 'vitest';
import { benchTcp, TCP_SMOKE } from '../../bench/tcp';
import { benchUdp, UDP_SMOKE } from '../../bench/udp';
import type { BenchResult } from '../../bench/lib/result';

// The ingest benchmarks at small scale, through the same code as `npm run bench`: real sockets between
// real processes, the real engine and EventStream. Only correctness is asserted — timings on a CI
// machine mean nothing, so the rates the run prints are not looked at.

function failures(result: BenchResult): string[] {
  return [
    ...(result.error ? [`did not finish: ${result.error}`] : []),
    ...result.checks.filter((c) => !c.ok).map((c) => `${c.what}: ${c.detail}`),
  ];
}

describe('benchmark smoke: ingest', () => {
  it('TCP: every byte written to a capturing server session is counted, the capture stays under its cap, and the UI is offered every record or told it skipped it', async () => {
    const result = await benchTcp(TCP_SMOKE, 'smoke');
    expect(failures(result)).toEqual([]);
    const sockpit = result.runs.filter((run) => run.side === 'sockpit');
    expect(sockpit).toHaveLength(TCP_SMOKE.reps);
    for (const run of sockpit) {
      expect(run.bytes).toBe(TCP_SMOKE.totalBytes);
      // 32 MiB through a 1 MiB cap: eviction really happened and was counted.
      expect(run.sockpit!.capture.evictedBytes).toBeGreaterThan(0);
      expect(run.sockpit!.capture.bytes).toBeLessThanOrEqual(TCP_SMOKE.captureCapBytes);
    }
  }, 120_000);

  it('UDP: paced datagrams all arrive at the session and the bare receiver, counted exactly, with every loss matched by the kernel', async () => {
    const result = await benchUdp(UDP_SMOKE, 'smoke');
    expect(failures(result)).toEqual([]);
    const sockpit = result.runs.filter((run) => run.receiver === 'sockpit');
    expect(sockpit.filter((run) => !run.constrained).map((run) => run.size)).toEqual(UDP_SMOKE.sizes);
    // The constrained rows (receiver pinned beside a busy loop) run where taskset and two CPUs exist.
    for (const run of sockpit) {
      expect(run.received).toBe(UDP_SMOKE.count);
      expect(run.bytesIn).toBe(UDP_SMOKE.count * run.size);
      // The receive buffer Sockpit asked for was granted (Linux reports double what was set).
      expect(run.recvBufferGranted).toBeGreaterThanOrEqual(UDP_SMOKE.recvBufferBytes);
    }
  }, 120_000);
});
