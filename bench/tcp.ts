import { spawn, spawnSync } from 'node:child_process';
import { DEFAULT_CAPTURE_CAP_BYTES } from '../shared/contract/sessions';
import { startChild, stopAllChildren, type BenchChild } from './lib/children';
import { fmtCount, fmtMiB, fmtMs, fmtRate, fmtRatio, GiB, median, MiB } from './lib/numbers';
import type { CpuTime } from './lib/protocol';
import { alternating, atLeast, atMost, check, errorText, finish, newResult, type BenchResult } from './lib/result';
import type { UiTotals } from './children/ui-client';

// 1. TCP ingest: one client process writes N bytes in 64 KiB chunks to (a) a bare Node server that only
// counts and (b) a Sockpit TCP server session with capture on and one user interface attached through
// the real EventStream. Rate = bytes / (connection accepted → connection closed), both measured inside
// the server process. The sides alternate (A B B A …) so drift on the shared 2-core machine hits both.
// Where socat is installed, a third receiver runs in the same rotation: `socat -u TCP-LISTEN:… /dev/null`,
// the tool people reach for, shown beside the others but not a target.

export interface TcpOptions {
  totalBytes: number;
  chunkBytes: number;
  /** Runs of each side. */
  reps: number;
  captureCapBytes: number;
  /** Per run: writing and draining must finish within this. */
  runTimeoutMs: number;
}

export const TCP_FULL: TcpOptions = {
  totalBytes: 2 * GiB,
  chunkBytes: 64 * 1024,
  reps: 5,
  captureCapBytes: DEFAULT_CAPTURE_CAP_BYTES,
  runTimeoutMs: 120_000,
};
export const TCP_SMOKE: TcpOptions = {
  totalBytes: 32 * MiB,
  chunkBytes: 64 * 1024,
  reps: 1,
  captureCapBytes: 1 * MiB,
  runTimeoutMs: 60_000,
};

interface Closed {
  ms: number;
  cpu: CpuTime;
}

interface SockpitStats {
  counters: { bytesIn: number; packetsIn: number };
  capture: {
    records: number;
    bytes: number;
    capBytes: number;
    evictedRecords: number;
    evictedBytes: number;
    lastSeq: number;
  };
  stream?: {
    batchesSent: number;
    recordsSent: number;
    recordsSkipped: number;
    largestBatchBytes: number;
    resyncs: number;
  };
  ui?: UiTotals;
  rssBytes: number;
  maxRssBytes: number;
}

type Side = 'bare' | 'sockpit' | 'socat';
const SIDE_NAMES: Record<Side, string> = { bare: 'bare Node', sockpit: 'Sockpit', socat: 'socat' };

export interface TcpRun {
  side: Side;
  bytes: number;
  ms: number;
  rate: number;
  serverCpuMs: number;
  /** Of which in the kernel (reads, page faults): the rest is JavaScript and Node itself. */
  serverSystemMs: number;
  clientCpuMs: number;
  maxRssBytes: number;
  sockpit?: SockpitStats;
}

function portOf(local: string | undefined): number {
  const port = Number(/:(\d+)$/.exec(local ?? '')?.[1]);
  if (!port) throw new Error(`no port in "${local}"`);
  return port;
}

async function write(port: number, options: TcpOptions): Promise<{ bytes: number; cpu: CpuTime }> {
  const peer = await startChild('peer');
  try {
    return await peer.call(
      'tcpWrite',
      { port, totalBytes: options.totalBytes, chunkBytes: options.chunkBytes, timeoutMs: options.runTimeoutMs },
      options.runTimeoutMs + 5000,
    );
  } finally {
    await peer.stop();
  }
}

async function runBare(options: TcpOptions): Promise<TcpRun> {
  const server = await startChild('bare');
  try {
    const { port } = await server.call<{ port: number }>('listen', { mode: 'tcp-count' });
    await server.call('watch', { closed: 1 });
    const closed = server.next<Closed>('closed', options.runTimeoutMs);
    const written = await write(port, options);
    const { ms, cpu } = await closed;
    const stats = await server.call<{ bytes: number; maxRssBytes: number }>('stats');
    return {
      side: 'bare',
      bytes: stats.bytes,
      ms,
      rate: (stats.bytes / ms) * 1000,
      serverCpuMs: cpu.userMs + cpu.systemMs,
      serverSystemMs: cpu.systemMs,
      clientCpuMs: written.cpu.userMs + written.cpu.systemMs,
      maxRssBytes: stats.maxRssBytes,
    };
  } finally {
    await server.stop();
  }
}

/** Whether socat can be run here; its row is skipped (and the report says so) when not. */
export function hasSocat(): boolean {
  return spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;
}

/** Microseconds since midnight of a socat log line's `-lu` time stamp ("2026/11/30 07:59:00.974557"). */
function socatStampUs(line: string | undefined): number {
  const match = / (\d\d):(\d\d):(\d\d)\.(\d{6}) /.exec(line ?? '');
  if (!match) throw new Error(`no time stamp in socat's line "${line}"`);
  const [h, m, sec, us] = match.slice(1).map(Number) as [number, number, number, number];
  return ((h * 60 + m) * 60 + sec) * 1e6 + us;
}

/**
 * socat as people run it, made to log (-d -d, microsecond stamps) when it accepts and when it exits, so its
 * own clock times the same span as the other servers'. Its CPU comes from the shell's `times` once it has
 * exited. socat does not count bytes: a clean exit after the peer's end of stream means it read them all.
 */
async function runSocat(options: TcpOptions): Promise<TcpRun> {
  const child = spawn('sh', ['-c', 'socat -d -d -lu -u TCP-LISTEN:0,reuseaddr,bind=127.0.0.1 /dev/null; times'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  let out = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (log += text));
  child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  try {
    const deadline = performance.now() + 10_000;
    let port = 0;
    while (!port) {
      port = Number(/listening on AF=\d+ [^\n]*:(\d+)\n/.exec(log)?.[1] ?? 0);
      if (performance.now() > deadline || child.exitCode !== null) throw new Error(`socat did not listen: ${log}`);
      if (!port) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const written = await write(port, options);
    const timer = setTimeout(() => child.kill('SIGKILL'), options.runTimeoutMs);
    await exited;
    clearTimeout(timer);
    const lines = log.split('\n');
    const exit = lines.find((line) => line.includes('exiting with status'));
    if (!exit?.includes('exiting with status 0')) throw new Error(`socat did not finish cleanly: ${log}`);
    let us = socatStampUs(exit) - socatStampUs(lines.find((line) => line.includes('accepting connection')));
    if (us < 0) us += 86_400e6;
    // `times`: the shell's own user and system time, then its children's (socat's).
    const seconds = (text: string) => {
      const [, min, sec] = /(\d+)m([\d.]+)s/.exec(text) ?? [];
      return (Number(min) * 60 + Number(sec)) * 1000;
    };
    const [user = '', system = ''] = (out.trim().split('\n')[1] ?? '').split(' ');
    const userMs = seconds(user);
    const systemMs = seconds(system);
    return {
      side: 'socat',
      bytes: written.bytes,
      ms: us / 1000,
      rate: (written.bytes / us) * 1e6,
      serverCpuMs: userMs + systemMs,
      serverSystemMs: systemMs,
      clientCpuMs: written.cpu.userMs + written.cpu.systemMs,
      maxRssBytes: Number.NaN,
    };
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

async function runSockpit(options: TcpOptions): Promise<TcpRun> {
  const server: BenchChild = await startChild('sockpit');
  try {
    const info = await server.call<{ local?: string }>('create', {
      config: { kind: 'tcp-server', host: '127.0.0.1', port: 0, captureCapBytes: options.captureCapBytes },
      ui: true,
    });
    await server.call('watch', { closed: 1 });
    const closed = server.next<Closed>('closed', options.runTimeoutMs);
    const written = await write(portOf(info.local), options);
    const { ms, cpu } = await closed;
    const stats = await server.call<SockpitStats>('settle', { timeoutMs: 30_000 }, 35_000);
    return {
      side: 'sockpit',
      bytes: stats.counters.bytesIn,
      ms,
      rate: (stats.counters.bytesIn / ms) * 1000,
      serverCpuMs: cpu.userMs + cpu.systemMs,
      serverSystemMs: cpu.systemMs,
      clientCpuMs: written.cpu.userMs + written.cpu.systemMs,
      maxRssBytes: stats.maxRssBytes,
      sockpit: stats,
    };
  } finally {
    await server.stop();
  }
}

export async function benchTcp(
  options: TcpOptions,
  mode: 'full' | 'smoke',
  preliminary = false,
): Promise<BenchResult & { runs: TcpRun[] }> {
  const started = performance.now();
  const result = Object.assign(newResult('tcp', 'TCP ingest', mode, preliminary), { runs: [] as TcpRun[] });
  result.commands.push(
    `client: a separate Node process (bench/children/peer.ts tcpWrite) writes ${fmtCount(options.totalBytes)} bytes in ${options.chunkBytes / 1024} KiB writes to 127.0.0.1, waiting for 'drain'`,
    `bare: net.createServer that adds up chunk lengths (bench/children/bare.ts, mode tcp-count)`,
    `sockpit: Engine + TCP server session {host 127.0.0.1, port 0, captureCapBytes ${fmtCount(options.captureCapBytes)}} + EventStream → a UI client process that gets each batch over IPC, decodes it and acknowledges it (bench/children/sockpit.ts, ui-client.ts)`,
  );
  const socat = hasSocat();
  if (socat)
    result.commands.push(
      "socat (beside the others, not a target): `socat -d -d -lu -u TCP-LISTEN:0,reuseaddr,bind=127.0.0.1 /dev/null` under `sh -c '…; times'`; rate from its own log stamps (accepting → exiting), CPU from `times`",
    );
  else result.why.push('socat is not installed here, so its row is skipped (apt install socat to see it).');
  const sides: readonly Side[] = socat ? ['bare', 'sockpit', 'socat'] : ['bare', 'sockpit'];
  const runners: Record<Side, (options: TcpOptions) => Promise<TcpRun>> = {
    bare: runBare,
    sockpit: runSockpit,
    socat: runSocat,
  };
  try {
    await alternating(sides, options.reps, (side) => runners[side](options), result.runs);
  } catch (err) {
    result.error = errorText(err);
  } finally {
    await stopAllChildren();
  }

  const bare = result.runs.filter((run) => run.side === 'bare');
  const sockpit = result.runs.filter((run) => run.side === 'sockpit');
  const bareRate = median(bare.map((run) => run.rate));
  const sockpitRate = median(sockpit.map((run) => run.rate));
  const ratio = sockpitRate / bareRate;
  result.targets.push(
    atLeast(
      'ingest rate, Sockpit ÷ bare Node (medians)',
      ratio,
      0.9,
      fmtRatio,
      `bare Node ${fmtRate(bareRate)} in this run (issue: ~2.5 GB/s)`,
    ),
  );

  for (const run of sockpit) {
    const s = run.sockpit!;
    const records = s.capture.lastSeq;
    check(
      result,
      'every byte counted',
      s.counters.bytesIn === options.totalBytes,
      `${fmtCount(s.counters.bytesIn)} of ${fmtCount(options.totalBytes)} bytes`,
    );
    check(
      result,
      'capture within its cap, evictions counted',
      s.capture.bytes <= s.capture.capBytes && s.capture.bytes + s.capture.evictedBytes === options.totalBytes,
      `held ${fmtMiB(s.capture.bytes)} of a ${fmtMiB(s.capture.capBytes)} cap; evicted ${fmtCount(s.capture.evictedBytes)} bytes in ${fmtCount(s.capture.evictedRecords)} records`,
    );
    const ui = s.ui;
    check(
      result,
      'the UI was offered every record or told it skipped it',
      Boolean(ui) &&
        ui!.invalid === 0 &&
        ui!.records + ui!.skipped === records &&
        ui!.records === s.stream?.recordsSent,
      ui
        ? `${fmtCount(ui.records)} records received + ${fmtCount(ui.skipped)} skipped = ${fmtCount(ui.records + ui.skipped)} of ${fmtCount(records)}; ${ui.batches} batches, ${ui.invalid} invalid, largest ${fmtCount(ui.largestBatchBytes)} B`
        : 'no UI totals',
    );
  }
  for (const run of bare)
    check(result, 'bare server counted every byte', run.bytes === options.totalBytes, `${fmtCount(run.bytes)} bytes`);
  const socatRuns = result.runs.filter((run) => run.side === 'socat');

  result.tables.push({
    caption: 'Every run, in the order run',
    head: [
      '#',
      'server',
      'rate',
      'time',
      'server CPU (of which kernel)',
      'client CPU',
      'UI process CPU',
      'server peak RSS',
      'UI: records received / skipped',
    ],
    rows: result.runs.map((run, i) => [
      String(i + 1),
      SIDE_NAMES[run.side],
      fmtRate(run.rate),
      fmtMs(run.ms),
      `${fmtMs(run.serverCpuMs)} (${fmtMs(run.serverSystemMs)})`,
      fmtMs(run.clientCpuMs),
      run.sockpit?.ui ? fmtMs(run.sockpit.ui.cpuMs) : '',
      Number.isFinite(run.maxRssBytes) ? fmtMiB(run.maxRssBytes) : '',
      run.sockpit?.ui ? `${fmtCount(run.sockpit.ui.records)} / ${fmtCount(run.sockpit.ui.skipped)}` : '',
    ]),
  });

  const perGiB = (runs: TcpRun[], ms: (run: TcpRun) => number) =>
    median(runs.map((run) => (ms(run) / run.bytes) * GiB));
  const bareCpu = perGiB(bare, (run) => run.serverCpuMs);
  const sockpitCpu = perGiB(sockpit, (run) => run.serverCpuMs);
  result.targets.push(
    atMost(
      'server CPU per GiB received, Sockpit ÷ bare Node (medians)',
      sockpitCpu / bareCpu,
      1.3,
      fmtRatio,
      `bare Node ${fmtMs(bareCpu)} per GiB, Sockpit ${fmtMs(sockpitCpu)} in this run`,
    ),
  );
  if (Number.isFinite(bareCpu) && Number.isFinite(sockpitCpu)) {
    const bareSys = perGiB(bare, (run) => run.serverSystemMs);
    const sockpitSys = perGiB(sockpit, (run) => run.serverSystemMs);
    result.why.push(
      `Server CPU per GiB received: bare ${fmtMs(bareCpu)} (kernel ${fmtMs(bareSys)}), Sockpit ${fmtMs(sockpitCpu)} (kernel ${fmtMs(sockpitSys)}), ${fmtRatio(sockpitCpu / bareCpu)} in all; ` +
        `peak RSS bare ${fmtMiB(median(bare.map((run) => run.maxRssBytes)))}, Sockpit ${fmtMiB(median(sockpit.map((run) => run.maxRssBytes)))}. ` +
        'Client, server and UI process share 2 cores, so every extra CPU millisecond on the server side (recording, batching, ' +
        'copying each batch to the UI process) comes straight off the rate.',
    );
  }
  if (socatRuns.length > 0) {
    const row = (side: Side, runs: TcpRun[]) => {
      const rate = median(runs.map((run) => run.rate));
      const cpu = perGiB(runs, (run) => run.serverCpuMs);
      return [
        SIDE_NAMES[side],
        fmtRate(rate),
        fmtRatio(rate / bareRate),
        `${fmtMs(cpu)} (kernel ${fmtMs(perGiB(runs, (run) => run.serverSystemMs))})`,
        fmtRatio(cpu / bareCpu),
      ];
    };
    result.tables.push({
      caption: 'Beside a tool people use (medians; socat is shown, not a target)',
      head: ['receiver', 'rate', 'rate ÷ bare Node', 'server CPU per GiB', 'CPU ÷ bare Node'],
      rows: [row('bare', bare), row('sockpit', sockpit), row('socat', socatRuns)],
    });
  }
  return finish(result, started) as BenchResult & { runs: TcpRun[] };
}
