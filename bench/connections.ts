import { startChild, stopAllChildren, type BenchChild } from './lib/children';
import { fmtCount, fmtMiB, fmtMs, fmtRatio, median, MiB } from './lib/numbers';
import type { CpuTime } from './lib/protocol';
import { alternating, atMost, check, errorText, finish, newResult, type BenchResult } from './lib/result';
import type { UiTotals } from './children/ui-client';

// 3. Connections: a client process opens N TCP connections to one server (at most `window` being set up
// at once; both servers listen with a backlog of 4096, so a burst does not overflow into SYN retries) and holds them
// all. Accept time = from the runner telling the client to start until the server process reports its N-th accepted
// connection. Sockpit's server is a TCP server session with its UI attached; its memory is the engine process's own.

export interface ConnectionsOptions {
  count: number;
  window: number;
  reps: number;
  /** How long all connections stay open after the last is accepted (counters reports run meanwhile). */
  holdMs: number;
  runTimeoutMs: number;
}

export const CONNECTIONS_FULL: ConnectionsOptions = {
  count: 10_000,
  window: 256,
  reps: 3,
  holdMs: 3000,
  runTimeoutMs: 60_000,
};
export const CONNECTIONS_SMOKE: ConnectionsOptions = {
  count: 500,
  window: 64,
  reps: 1,
  holdMs: 1200,
  runTimeoutMs: 30_000,
};

export interface ConnectionsRun {
  side: 'bare' | 'sockpit';
  acceptMs: number;
  /** CPU the server process spent from the start until the last connection was accepted. */
  acceptCpuMs: number;
  clientConnected: number;
  clientFailed: number;
  closedByServer: number;
  accepted: number;
  refused: number;
  /** Connections the server lists as open after the hold. */
  listed: number;
  rssIdleBytes: number;
  rssAtAcceptBytes: number;
  rssAfterHoldBytes: number;
  maxRssBytes: number;
  ui?: UiTotals;
  uiOpened?: number;
}

async function runSide(side: 'bare' | 'sockpit', options: ConnectionsOptions): Promise<ConnectionsRun> {
  const files = options.count + 1024;
  const server: BenchChild = await startChild(side, { openFiles: files });
  const client = await startChild('peer', { openFiles: files });
  try {
    let port: number;
    if (side === 'sockpit') {
      const info = await server.call<{ local?: string }>('create', {
        config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 },
        ui: true,
      });
      port = Number(/:(\d+)$/.exec(info.local ?? '')?.[1]);
    } else {
      port = (await server.call<{ port: number }>('listen', { mode: 'tcp-hold' })).port;
    }
    const idle = await server.call<{ rssBytes: number }>('watch', { opened: options.count });
    const accepted = server.next<{ rssBytes: number; cpu: CpuTime }>('accepted', options.runTimeoutMs);
    const connected = client.next<{ connected: number; failed: number }>('connected', options.runTimeoutMs);
    const t0 = performance.now();
    await client.call('connectMany', { port, count: options.count, window: options.window });
    const atAccept = await accepted;
    const acceptMs = performance.now() - t0;
    const done = await connected;
    await new Promise((resolve) => setTimeout(resolve, options.holdMs));
    const closedByServer = await client.call<number>('heldClosed');
    const served = await serverReport(side, server);
    const run: ConnectionsRun = {
      side,
      acceptMs,
      acceptCpuMs: atAccept.cpu.userMs + atAccept.cpu.systemMs,
      clientConnected: done.connected,
      clientFailed: done.failed,
      closedByServer,
      accepted: served.accepted,
      refused: served.refused,
      listed: served.listed,
      rssIdleBytes: idle.rssBytes,
      rssAtAcceptBytes: atAccept.rssBytes,
      rssAfterHoldBytes: served.rssBytes,
      maxRssBytes: served.maxRssBytes,
      ui: served.ui,
    };
    await client.call('release');
    return run;
  } finally {
    await client.stop();
    await server.stop();
  }
}

/** What each server says it accepted and holds; only the way they report it differs. */
async function serverReport(side: 'bare' | 'sockpit', server: BenchChild) {
  if (side === 'bare') {
    const stats = await server.call<{ opened: number; open: number; rssBytes: number; maxRssBytes: number }>('stats');
    return {
      accepted: stats.opened,
      refused: 0,
      listed: stats.open,
      rssBytes: stats.rssBytes,
      maxRssBytes: stats.maxRssBytes,
      ui: undefined,
    };
  }
  const stats = await server.call<{
    accepted: number;
    refused: number;
    connectionCount: number;
    rssBytes: number;
    maxRssBytes: number;
  }>('stats');
  const settled = await server.call<{ ui?: UiTotals }>('settle', { timeoutMs: 30_000 }, 35_000);
  return {
    accepted: stats.accepted,
    refused: stats.refused,
    listed: stats.connectionCount,
    rssBytes: stats.rssBytes,
    maxRssBytes: stats.maxRssBytes,
    ui: settled.ui,
  };
}

export async function benchConnections(
  options: ConnectionsOptions,
  mode: 'full' | 'smoke',
  preliminary = false,
): Promise<BenchResult & { runs: ConnectionsRun[] }> {
  const started = performance.now();
  const result = Object.assign(newResult('connections', 'Connections', mode, preliminary), {
    runs: [] as ConnectionsRun[],
  });
  result.commands.push(
    `client: a separate Node process (bench/children/peer.ts connectMany) opens ${fmtCount(options.count)} connections to 127.0.0.1, at most ${options.window} connecting at once, and holds them ${fmtMs(options.holdMs)} after the last is accepted`,
    'sockpit: Engine + TCP server session {host 127.0.0.1, port 0} (maxClients unset: no limit) + EventStream → UI client process; RSS and peak RSS of the engine process itself',
    "bare: net.createServer that keeps the sockets in a Set (bench/children/bare.ts, mode tcp-hold), listening with the same backlog of 4096 as Sockpit (Node's default 511 overflows under this burst and costs the bare server SYN retries)",
    `both children run with "ulimit -n" raised to ${fmtCount(options.count + 1024)} when the shell's limit is lower`,
  );
  try {
    await alternating(['bare', 'sockpit'] as const, options.reps, (side) => runSide(side, options), result.runs);
  } catch (err) {
    result.error = errorText(err);
  } finally {
    await stopAllChildren();
  }

  const bare = result.runs.filter((run) => run.side === 'bare');
  const sockpit = result.runs.filter((run) => run.side === 'sockpit');
  const bareMs = median(bare.map((run) => run.acceptMs));
  const sockpitMs = median(sockpit.map((run) => run.acceptMs));
  const peak = Math.max(...sockpit.map((run) => run.maxRssBytes));
  result.targets.push(
    atMost(
      `time to accept ${fmtCount(options.count)}, Sockpit ÷ bare Node (medians)`,
      sockpitMs / bareMs,
      2,
      fmtRatio,
      `bare Node ${fmtMs(bareMs)}, Sockpit ${fmtMs(sockpitMs)} (issue: 0.84 s)`,
    ),
    atMost(
      `engine peak RSS holding ${fmtCount(options.count)}`,
      peak,
      150 * MiB,
      fmtMiB,
      `bare Node peak ${fmtMiB(Math.max(...bare.map((run) => run.maxRssBytes)))} (issue: ~80 MiB)`,
    ),
  );
  for (const run of result.runs) {
    const who = run.side === 'bare' ? 'bare Node' : 'Sockpit';
    check(
      result,
      `${who}: all ${fmtCount(options.count)} accepted and still open`,
      run.clientConnected === options.count &&
        run.clientFailed === 0 &&
        run.closedByServer === 0 &&
        run.accepted === options.count &&
        run.refused === 0 &&
        run.listed === options.count,
      `client connected ${fmtCount(run.clientConnected)} (${run.clientFailed} failed, ${run.closedByServer} closed by the server); server accepted ${fmtCount(run.accepted)}, refused ${run.refused}, lists ${fmtCount(run.listed)} open`,
    );
    if (run.ui)
      check(
        result,
        `${who}: the UI got every connection event`,
        run.ui.invalid === 0 && run.ui.resyncs === 0,
        `${fmtCount(run.ui.events)} events in ${run.ui.batches} batches, ${run.ui.resyncs} resyncs, ${run.ui.invalid} invalid`,
      );
  }
  result.tables.push({
    caption: 'Every run, in the order run',
    head: [
      '#',
      'server',
      'accept time',
      'server CPU until then',
      'accepted',
      'RSS before',
      'RSS when all accepted',
      `RSS after ${fmtMs(options.holdMs)}`,
      'peak RSS',
      '(peak − before) per connection',
    ],
    rows: result.runs.map((run, i) => [
      String(i + 1),
      run.side === 'bare' ? 'bare Node' : 'Sockpit',
      fmtMs(run.acceptMs),
      fmtMs(run.acceptCpuMs),
      fmtCount(run.accepted),
      fmtMiB(run.rssIdleBytes),
      fmtMiB(run.rssAtAcceptBytes),
      fmtMiB(run.rssAfterHoldBytes),
      fmtMiB(run.maxRssBytes),
      `${((run.maxRssBytes - run.rssIdleBytes) / options.count / 1024).toFixed(1)} KiB`,
    ]),
  });
  const cpu = (runs: ConnectionsRun[]) => median(runs.map((run) => run.acceptCpuMs));
  if (sockpit.length > 0 && bare.length > 0) {
    result.why.push(
      `Server CPU from the start of a run to its last accepted connection: bare ${fmtMs(cpu(bare))}, Sockpit ${fmtMs(cpu(sockpit))} (${fmtRatio(cpu(sockpit) / cpu(bare))}). ` +
        'Per accepted connection Sockpit also creates its connection object and meters, emits a connection event, and the EventStream ' +
        'serialises it into a batch for the UI; client, server and UI process share the two cores.',
      `Memory: before any connection the engine process already holds ${fmtMiB(median(sockpit.map((run) => run.rssIdleBytes)))} (bare Node ${fmtMiB(median(bare.map((run) => run.rssIdleBytes)))}); ` +
        `with ${fmtCount(options.count)} connections it grows by ${fmtMiB(median(sockpit.map((run) => run.maxRssBytes - run.rssIdleBytes)))} at its peak (bare ${fmtMiB(median(bare.map((run) => run.maxRssBytes - run.rssIdleBytes)))}).`,
    );
  }
  return finish(result, started) as BenchResult & { runs: ConnectionsRun[] };
}
