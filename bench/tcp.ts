import { DEFAULT_CAPTURE_CAP_BYTES } from '../shared/contract/sessions';
import { startChild, stopAllChildren, type BenchChild } from './lib/children';
import { fmtCount, fmtMiB, fmtMs, fmtRate, fmtRatio, GiB, median, MiB } from './lib/numbers';
import type { CpuTime } from './lib/protocol';
import { alternating, atLeast, check, errorText, finish, newResult, type BenchResult } from './lib/result';
import type { UiTotals } from './children/ui-client';

// 1. TCP ingest: one client process writes N bytes in 64 KiB chunks to (a) a bare Node server that only
// counts and (b) a Sockpit TCP server session with capture on and one user interface attached through
// the real EventStream. Rate = bytes / (connection accepted → connection closed), both measured inside
// the server process. The sides alternate (A B B A …) so drift on the shared 2-core machine hits both.

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

export interface TcpRun {
  side: 'bare' | 'sockpit';
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
  try {
    await alternating(
      ['bare', 'sockpit'] as const,
      options.reps,
      (side) => (side === 'bare' ? runBare(options) : runSockpit(options)),
      result.runs,
    );
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
      run.side === 'bare' ? 'bare Node' : 'Sockpit',
      fmtRate(run.rate),
      fmtMs(run.ms),
      `${fmtMs(run.serverCpuMs)} (${fmtMs(run.serverSystemMs)})`,
      fmtMs(run.clientCpuMs),
      run.sockpit?.ui ? fmtMs(run.sockpit.ui.cpuMs) : '',
      fmtMiB(run.maxRssBytes),
      run.sockpit?.ui ? `${fmtCount(run.sockpit.ui.records)} / ${fmtCount(run.sockpit.ui.skipped)}` : '',
    ]),
  });

  const perGiB = (runs: TcpRun[], ms: (run: TcpRun) => number) =>
    median(runs.map((run) => (ms(run) / run.bytes) * GiB));
  const bareCpu = perGiB(bare, (run) => run.serverCpuMs);
  const sockpitCpu = perGiB(sockpit, (run) => run.serverCpuMs);
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
  return finish(result, started) as BenchResult & { runs: TcpRun[] };
}
