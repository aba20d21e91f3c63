import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Engine } from '../engine/engine';
import { fmtCount, fmtPct, fmtPerSecond, percentile } from './lib/numbers';
import { atLeast, atMost, check, errorText, finish, newResult, type BenchResult } from './lib/result';

// 7. Drift: Sockpit's repeat (send.repeat, scheduled by the engine on absolute times) next to a bare Node
// setInterval sender, one after the other, each sending one UDP datagram per tick to a receiver in its own
// process that timestamps every arrival with its monotonic clock. 10 ms period: the average period's error
// and the jitter of each gap; 1 ms period: how many sends a second actually leave.

export interface DriftOptions {
  /** How long the 10 ms run lasts, per sender. */
  slowMs: number;
  /** How long the 1 ms run lasts, per sender. */
  fastMs: number;
}

export const DRIFT_FULL: DriftOptions = { slowMs: 60_000, fastMs: 10_000 };
export const DRIFT_SMOKE: DriftOptions = { slowMs: 2_000, fastMs: 1_000 };

/** The receiver: prints its port, then, when stdin closes, every arrival time (ms, monotonic) as one JSON line. */
const RECEIVER = `
const dgram = require('node:dgram');
const socket = dgram.createSocket('udp4');
const times = [];
socket.on('message', () => times.push(performance.now()));
socket.bind(0, '127.0.0.1', () => console.log(JSON.stringify({ port: socket.address().port })));
process.stdin.resume();
process.stdin.on('end', () => { console.log(JSON.stringify({ times })); socket.close(); });
`;

interface Figures {
  count: number;
  /** Average gap between arrivals, ms. */
  meanPeriod: number;
  /** |mean period − target| / target. */
  periodError: number;
  /** |gap − target|, ms. */
  jitterP50: number;
  jitterP99: number;
  perSecond: number;
}

function figures(times: number[], periodMs: number): Figures {
  const gaps: number[] = [];
  for (let i = 1; i < times.length; i++) gaps.push(times[i] - times[i - 1]);
  const span = times.length > 1 ? times[times.length - 1] - times[0] : Number.NaN;
  const meanPeriod = span / gaps.length;
  const jitter = gaps.map((gap) => Math.abs(gap - periodMs));
  return {
    count: times.length,
    meanPeriod,
    periodError: Math.abs(meanPeriod - periodMs) / periodMs,
    jitterP50: percentile(jitter, 50),
    jitterP99: percentile(jitter, 99),
    perSecond: (gaps.length / span) * 1000,
  };
}

async function withReceiver(send: (port: number) => Promise<void>): Promise<number[]> {
  const child = spawn(process.execPath, ['-e', RECEIVER], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const next = () => once(lines, 'line').then(([line]) => JSON.parse(line as string) as Record<string, unknown>);
  try {
    const { port } = (await next()) as { port: number };
    await send(port);
    // Datagrams still in flight land before the receiver is told to report.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const report = next();
    child.stdin!.end();
    return ((await report) as { times: number[] }).times;
  } finally {
    child.kill();
  }
}

async function sockpitRun(periodMs: number, durationMs: number): Promise<number[]> {
  const engine = new Engine({ statsIntervalMs: 0 });
  try {
    const created = await engine.run({ type: 'session.create', config: { kind: 'udp', host: '127.0.0.1', port: 0 } });
    if (!created.ok) throw new Error(created.error.message);
    const sessionId = created.value.sessionId;
    const started = await engine.run({ type: 'session.start', sessionId });
    if (!started.ok) throw new Error(started.error.message);
    return await withReceiver(async (port) => {
      const job = await engine.run({
        type: 'send.repeat',
        sessionId,
        payload: { mode: 'hex', data: '{counter}', fields: { counter: { width: 4 } } },
        target: { to: 'peer', host: '127.0.0.1', port },
        intervalMs: periodMs,
        times: Math.round(durationMs / periodMs),
      });
      if (!job.ok) throw new Error(job.error.message);
      await new Promise<void>((resolve) => {
        const off = engine.subscribe((event) => {
          if (event.type === 'send.job' && event.job.jobId === job.value.jobId && event.job.state === 'finished') {
            off();
            resolve();
          }
        });
      });
    });
  } finally {
    await engine.shutdown();
  }
}

async function bareRun(periodMs: number, durationMs: number): Promise<number[]> {
  const socket = createSocket('udp4');
  try {
    return await withReceiver(async (port) => {
      const total = Math.round(durationMs / periodMs);
      let sent = 0;
      const payload = Buffer.alloc(4);
      await new Promise<void>((resolve) => {
        const send = () => {
          payload.writeUInt32BE(sent);
          socket.send(payload, port, '127.0.0.1');
          if (++sent >= total) {
            clearInterval(timer);
            resolve();
          }
        };
        send();
        const timer = setInterval(send, periodMs);
      });
    });
  } finally {
    socket.close();
  }
}

export async function benchDrift(
  options: DriftOptions,
  mode: 'full' | 'smoke',
  preliminary = false,
): Promise<BenchResult> {
  const started = performance.now();
  const result = newResult('drift', 'Timed send drift', mode, preliminary);
  result.commands.push(
    `sender: this process; receiver: a child Node process timestamping each UDP datagram with performance.now()`,
    `sockpit: Engine + UDP session, send.repeat {intervalMs 10 for ${options.slowMs / 1000} s, then 1 for ${options.fastMs / 1000} s}`,
    'bare: dgram socket.send from setInterval(send, period), the same periods and durations',
  );
  try {
    const runs: Array<{ side: string; period: number; f: Figures }> = [];
    for (const [period, duration] of [
      [10, options.slowMs],
      [1, options.fastMs],
    ] as const) {
      runs.push({ side: 'sockpit', period, f: figures(await sockpitRun(period, duration), period) });
      runs.push({ side: 'bare setInterval', period, f: figures(await bareRun(period, duration), period) });
    }
    const find = (side: string, period: number) => runs.find((r) => r.side === side && r.period === period)!.f;
    const slow = find('sockpit', 10);
    const slowBare = find('bare setInterval', 10);
    const fast = find('sockpit', 1);
    const fastBare = find('bare setInterval', 1);
    const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(3)} ms` : '—');
    result.targets.push(
      atMost(
        '10 ms repeat: average period error',
        slow.periodError,
        0.01,
        fmtPct,
        `bare setInterval ${fmtPct(slowBare.periodError)}`,
      ),
      atLeast(
        '1 ms repeat: sends per second',
        fast.perSecond,
        900,
        fmtPerSecond,
        `bare setInterval ${fmtPerSecond(fastBare.perSecond)}`,
      ),
    );
    result.tables.push({
      caption: 'Arrivals at the receiver',
      head: ['sender', 'period', 'datagrams', 'mean period', 'period error', 'jitter p50', 'jitter p99', 'per second'],
      rows: runs.map(({ side, period, f }) => [
        side,
        `${period} ms`,
        fmtCount(f.count),
        ms(f.meanPeriod),
        fmtPct(f.periodError),
        ms(f.jitterP50),
        ms(f.jitterP99),
        fmtPerSecond(f.perSecond),
      ]),
    });
    const expected = (duration: number, period: number) => Math.round(duration / period);
    check(
      result,
      'every Sockpit datagram arrived',
      slow.count === expected(options.slowMs, 10) && fast.count === expected(options.fastMs, 1),
      `10 ms: ${slow.count}/${expected(options.slowMs, 10)}, 1 ms: ${fast.count}/${expected(options.fastMs, 1)}`,
    );
    if (slow.periodError > 0.01)
      result.why.push(
        `The 10 ms repeat averaged ${ms(slow.meanPeriod)} per send against setInterval's ${ms(slowBare.meanPeriod)}.`,
      );
    if (fast.perSecond < 900)
      result.why.push(
        `At 1 ms Sockpit sent ${fmtPerSecond(fast.perSecond)}, setInterval ${fmtPerSecond(fastBare.perSecond)}.`,
      );
  } catch (err) {
    result.error = errorText(err);
  }
  return finish(result, started);
}
