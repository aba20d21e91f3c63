import { startChild, stopAllChildren, type BenchChild } from './lib/children';
import { udpDrops } from './lib/machine';
import { fmtCount, fmtMiB, fmtMs, fmtPct, fmtPerSecond, fmtRatio, median } from './lib/numbers';
import type { CpuTime } from './lib/protocol';
import { alternating, atLeast, atMost, check, errorText, finish, newResult, type BenchResult } from './lib/result';
import type { UiTotals } from './children/ui-client';

// 2. UDP ingest: a sender process sends N datagrams of one size to 127.0.0.1, paced (every 1 ms tick
// sends what the rate allows by then) or as fast as it can. Receivers, one at a time, alternating:
// a Sockpit UDP session (with its UI attached), a bare Node dgram socket given the same receive buffer
// Sockpit asks for, and a bare one with the system's default buffer. Rate = datagrams received / (first
// → last received); loss = sent − received, checked against the kernel's own drop count for the socket.

export type Receiver = 'sockpit' | 'bare' | 'bare-default';

export interface UdpOptions {
  count: number;
  sizes: number[];
  /** 0 = unpaced. */
  rates: number[];
  /** Runs of each receiver per unpaced case (paced cases run once: the sender sets their rate). */
  unpacedReps: number;
  receivers: Receiver[];
  /** Sockpit's default; the bare reference gets the same. */
  recvBufferBytes: number;
  runTimeoutMs: number;
}

export const UDP_FULL: UdpOptions = {
  count: 1_000_000,
  sizes: [64, 1400],
  rates: [100_000, 0],
  unpacedReps: 3,
  receivers: ['sockpit', 'bare', 'bare-default'],
  recvBufferBytes: 4 * 1024 * 1024,
  runTimeoutMs: 60_000,
};

export const UDP_SMOKE: UdpOptions = {
  // Slow enough that a CI machine stalling the receiver for half a second still loses nothing.
  count: 5000,
  sizes: [64, 1400],
  rates: [5000],
  unpacedReps: 1,
  receivers: ['sockpit', 'bare'],
  recvBufferBytes: 4 * 1024 * 1024,
  runTimeoutMs: 30_000,
};

export interface UdpRun {
  receiver: Receiver;
  size: number;
  perSecond: number;
  sent: number;
  sendErrors: number;
  sendMs: number;
  received: number;
  /** Received datagrams / (first → last received). */
  rate: number;
  lost: number;
  /** What /proc/net/udp says the kernel dropped on the receiving socket; undefined where unavailable. */
  kernelDrops?: number;
  recvBufferGranted: number;
  receiverCpuMs: number;
  maxRssBytes: number;
  ui?: UiTotals;
  capture?: { bytes: number; capBytes: number; evictedBytes: number; lastSeq: number };
  bytesIn?: number;
}

interface Receiving {
  child: BenchChild;
  port: number;
  recvBufferGranted: number;
  count(): Promise<number>;
  finish(): Promise<Omit<UdpRun, 'size' | 'perSecond' | 'sent' | 'sendErrors' | 'sendMs' | 'lost' | 'kernelDrops'>>;
}

async function sockpitReceiver(options: UdpOptions): Promise<Receiving> {
  const child = await startChild('sockpit');
  const info = await child.call<{ local?: string; recvBufferBytes?: number }>('create', {
    config: { kind: 'udp', host: '127.0.0.1', port: 0, recvBufferBytes: options.recvBufferBytes },
    ui: true,
  });
  await child.call('watch', {});
  type Stats = {
    counters: { packetsIn: number; bytesIn: number };
    capture: UdpRun['capture'] & object;
    ui?: UiTotals;
    maxRssBytes: number;
    cpu: CpuTime;
  };
  return {
    child,
    port: Number(/:(\d+)$/.exec(info.local ?? '')?.[1]),
    recvBufferGranted: info.recvBufferBytes ?? 0,
    count: async () => (await child.call<Stats>('stats')).counters.packetsIn,
    async finish() {
      const stats = await child.call<Stats>('settle', { timeoutMs: 30_000 }, 35_000);
      const first = await child.call<number>('firstRecordUs');
      const last = await child.call<number>('lastRecordUs');
      const received = stats.counters.packetsIn;
      return {
        receiver: 'sockpit',
        received,
        rate: received > 1 ? ((received - 1) * 1e6) / (last - first) : 0,
        recvBufferGranted: info.recvBufferBytes ?? 0,
        receiverCpuMs: stats.cpu.userMs + stats.cpu.systemMs,
        maxRssBytes: stats.maxRssBytes,
        ui: stats.ui,
        capture: stats.capture,
        bytesIn: stats.counters.bytesIn,
      };
    },
  };
}

async function bareReceiver(receiver: 'bare' | 'bare-default', options: UdpOptions): Promise<Receiving> {
  const child = await startChild('bare');
  const listening = await child.call<{ port: number; recvBufferBytes: number }>('listen', {
    mode: 'udp-count',
    recvBufferBytes: receiver === 'bare' ? options.recvBufferBytes : undefined,
  });
  await child.call('watch', {});
  type Stats = {
    datagrams: number;
    firstDatagramMs: number;
    lastDatagramMs: number;
    maxRssBytes: number;
    cpu: CpuTime;
  };
  return {
    child,
    port: listening.port,
    recvBufferGranted: listening.recvBufferBytes,
    count: async () => (await child.call<Stats>('stats')).datagrams,
    async finish() {
      const stats = await child.call<Stats>('stats');
      return {
        receiver,
        received: stats.datagrams,
        rate: stats.datagrams > 1 ? ((stats.datagrams - 1) * 1000) / (stats.lastDatagramMs - stats.firstDatagramMs) : 0,
        recvBufferGranted: listening.recvBufferBytes,
        receiverCpuMs: stats.cpu.userMs + stats.cpu.systemMs,
        maxRssBytes: stats.maxRssBytes,
      };
    },
  };
}

/** Waits until the receiver's count has not moved for `quietMs` (the sender finished before this is called). */
async function drained(receiving: Receiving, quietMs: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let last = -1;
  let since = performance.now();
  while (performance.now() < deadline) {
    const count = await receiving.count();
    if (count !== last) {
      last = count;
      since = performance.now();
    } else if (performance.now() - since >= quietMs) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function runOne(receiver: Receiver, size: number, perSecond: number, options: UdpOptions): Promise<UdpRun> {
  const receiving = receiver === 'sockpit' ? await sockpitReceiver(options) : await bareReceiver(receiver, options);
  const peer = await startChild('peer');
  try {
    const sent = await peer.call<{ sent: number; errors: number; ms: number }>(
      'udpSend',
      { port: receiving.port, count: options.count, size, perSecond, timeoutMs: options.runTimeoutMs },
      options.runTimeoutMs + 5000,
    );
    await drained(receiving, 300, 30_000);
    // Read while the socket is still open: the drop count goes with it.
    const kernelDrops = udpDrops(receiving.port);
    const got = await receiving.finish();
    return {
      ...got,
      size,
      perSecond,
      sent: sent.sent,
      sendErrors: sent.errors,
      sendMs: sent.ms,
      lost: sent.sent - got.received,
      kernelDrops,
    };
  } finally {
    await peer.stop();
    await receiving.child.stop();
  }
}

const label = (receiver: Receiver) =>
  receiver === 'sockpit' ? 'Sockpit' : receiver === 'bare' ? 'bare Node, same buffer' : 'bare Node, default buffer';
const pacing = (perSecond: number) => (perSecond > 0 ? `paced ${fmtPerSecond(perSecond)}` : 'unpaced');

export async function benchUdp(
  options: UdpOptions,
  mode: 'full' | 'smoke',
  preliminary = false,
): Promise<BenchResult & { runs: UdpRun[] }> {
  const started = performance.now();
  const result = Object.assign(newResult('udp', 'UDP ingest', mode, preliminary), { runs: [] as UdpRun[] });
  result.commands.push(
    `sender: a separate Node process (bench/children/peer.ts udpSend), one connected udp4 socket, ${fmtCount(options.count)} datagrams per run; paced = every 1 ms timer tick sends what the rate allows by then, unpaced = bursts of 256 then setImmediate`,
    `sockpit: Engine + UDP session {host 127.0.0.1, port 0, recvBufferBytes ${fmtCount(options.recvBufferBytes)}} + EventStream → UI client process`,
    `bare: dgram.createSocket({type: 'udp4', recvBufferSize: ${fmtCount(options.recvBufferBytes)}}) counting 'message' events; bare-default: the same without recvBufferSize`,
    'kernel drops: the drops column of /proc/net/udp for the receiving port, read before the socket closes',
  );
  try {
    for (const size of options.sizes) {
      for (const perSecond of options.rates) {
        const reps = perSecond > 0 ? 1 : options.unpacedReps;
        await alternating(
          options.receivers,
          reps,
          (receiver) => runOne(receiver, size, perSecond, options),
          result.runs,
        );
      }
    }
  } catch (err) {
    result.error = errorText(err);
  } finally {
    await stopAllChildren();
  }

  for (const size of options.sizes) {
    for (const perSecond of options.rates) {
      const runs = (receiver: Receiver) =>
        result.runs.filter((run) => run.size === size && run.perSecond === perSecond && run.receiver === receiver);
      const sockpit = runs('sockpit');
      const bare = runs('bare');
      const bareRate = median(bare.map((run) => run.rate));
      const sockpitRate = median(sockpit.map((run) => run.rate));
      // Paced, both receivers take what the sender sends; the rate is a target only where the receiver sets it.
      if (perSecond === 0 && sockpit.length > 0 && bare.length > 0) {
        result.targets.push(
          atLeast(
            `${size} B, unpaced: receive rate, Sockpit ÷ bare Node (medians)`,
            sockpitRate / bareRate,
            0.9,
            fmtRatio,
            `bare Node ${fmtPerSecond(bareRate)}, Sockpit ${fmtPerSecond(sockpitRate)} (issue: ~${size <= 64 ? '259k' : '234k'}/s unpaced)`,
          ),
        );
      }
      if (perSecond > 0 && sockpit.length > 0) {
        const lost = Math.max(...sockpit.map((run) => run.lost));
        result.targets.push(
          atMost(
            `${size} B, ${pacing(perSecond)}: datagrams lost by Sockpit`,
            lost,
            0,
            fmtCount,
            `bare Node, same buffer: ${bare.map((run) => fmtCount(run.lost)).join(', ') || '—'}`,
          ),
        );
      }
    }
  }

  for (const run of result.runs) {
    const where = `${label(run.receiver)}, ${run.size} B, ${pacing(run.perSecond)}`;
    if (run.kernelDrops !== undefined) {
      check(
        result,
        `${where}: every loss accounted for by the kernel's drop count`,
        run.lost === run.kernelDrops && run.sendErrors === 0,
        `sent ${fmtCount(run.sent)}, received ${fmtCount(run.received)}, lost ${fmtCount(run.lost)}, kernel dropped ${fmtCount(run.kernelDrops)}, send errors ${run.sendErrors}`,
      );
    }
    if (mode === 'smoke' && run.perSecond > 0 && run.receiver !== 'bare-default') {
      check(result, `${where}: nothing lost`, run.lost === 0, `lost ${fmtCount(run.lost)} of ${fmtCount(run.sent)}`);
    }
    if (run.receiver === 'sockpit') {
      check(
        result,
        `${where}: byte counter exact`,
        run.bytesIn === run.received * run.size,
        `${fmtCount(run.bytesIn ?? 0)} bytes for ${fmtCount(run.received)} datagrams of ${run.size} B`,
      );
      const capture = run.capture!;
      check(
        result,
        `${where}: capture within its cap`,
        capture.bytes <= capture.capBytes && capture.bytes + capture.evictedBytes === run.bytesIn,
        `held ${fmtMiB(capture.bytes)} of ${fmtMiB(capture.capBytes)}, evicted ${fmtCount(capture.evictedBytes)} bytes`,
      );
      const ui = run.ui;
      check(
        result,
        `${where}: the UI was offered every record or told it skipped it`,
        Boolean(ui) && ui!.invalid === 0 && ui!.records + ui!.skipped === capture.lastSeq,
        ui
          ? `${fmtCount(ui.records)} received + ${fmtCount(ui.skipped)} skipped of ${fmtCount(capture.lastSeq)}`
          : 'no UI totals',
      );
    }
  }

  result.tables.push({
    caption: 'Every run, in the order run',
    head: [
      'size',
      'pacing',
      'receiver',
      'receive buffer granted',
      'sent',
      'sender rate',
      'received',
      'receive rate',
      'lost',
      'kernel drops',
      'receiver CPU',
      'UI received / skipped',
    ],
    rows: result.runs.map((run) => [
      `${run.size} B`,
      pacing(run.perSecond),
      label(run.receiver),
      fmtMiB(run.recvBufferGranted),
      fmtCount(run.sent),
      fmtPerSecond((run.sent * 1000) / run.sendMs),
      fmtCount(run.received),
      fmtPerSecond(run.rate),
      `${fmtCount(run.lost)} (${fmtPct(run.lost / run.sent)})`,
      run.kernelDrops === undefined ? '—' : fmtCount(run.kernelDrops),
      fmtMs(run.receiverCpuMs),
      run.ui ? `${fmtCount(run.ui.records)} / ${fmtCount(run.ui.skipped)}` : '',
    ]),
  });

  for (const run of result.runs.filter((r) => r.receiver === 'sockpit' && r.perSecond > 0 && r.lost > 0)) {
    const bare = result.runs.find((r) => r.receiver === 'bare' && r.size === run.size && r.perSecond === run.perSecond);
    result.why.push(
      `${run.size} B paced: Sockpit lost ${fmtCount(run.lost)} datagrams, ${run.kernelDrops === run.lost ? 'every one a kernel drop at the full receive buffer' : `the kernel counted ${fmtCount(run.kernelDrops ?? NaN)}`} ` +
        `(${fmtMiB(run.recvBufferGranted)} granted): the engine process did not read the socket for longer than that buffer lasts at this rate. ` +
        `Receiver CPU for the run: Sockpit ${fmtMs(run.receiverCpuMs)}${bare ? `, bare Node ${fmtMs(bare.receiverCpuMs)} (which lost ${fmtCount(bare.lost)})` : ''}.`,
    );
  }
  const unpacedSender = median(
    result.runs.filter((run) => run.perSecond === 0).map((run) => (run.sent * 1000) / run.sendMs),
  );
  if (Number.isFinite(unpacedSender)) {
    result.why.push(
      `Unpaced, the one sender process managed a median ${fmtPerSecond(unpacedSender)} while sharing the two cores with the receiver: an unpaced ` +
        'run measures whichever side is slower, and its losses are the receiver falling behind that sender.',
    );
  }
  for (const size of options.sizes) {
    const cpu = (receiver: Receiver) =>
      median(
        result.runs
          .filter((run) => run.size === size && run.perSecond === 0 && run.receiver === receiver)
          .map((run) => (run.receiverCpuMs / Math.max(1, run.received)) * 1e6),
      );
    const bare = cpu('bare');
    const sockpit = cpu('sockpit');
    if (Number.isFinite(bare) && Number.isFinite(sockpit)) {
      result.why.push(
        `${size} B unpaced: receiver CPU per million datagrams received — bare ${fmtMs(bare)}, Sockpit ${fmtMs(sockpit)} (${fmtRatio(sockpit / bare)}).`,
      );
    }
  }
  return finish(result, started) as BenchResult & { runs: UdpRun[] };
}
