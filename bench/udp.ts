import { startChild, stopAllChildren } from './lib/children';
import { udpDrops } from './lib/machine';
import { placeApart, placementNote, socatMissing, socatReceiver, type Placement } from './lib/udp-receivers';
import { fmtCount, fmtMiB, fmtMs, fmtPct, fmtPerSecond, fmtRatio, median } from './lib/numbers';
import type { CpuTime } from './lib/protocol';
import { alternating, atLeast, atMost, check, errorText, finish, newResult, type BenchResult } from './lib/result';
import type { UiTotals } from './children/ui-client';

// 2. UDP ingest: a sender process sends N datagrams of one size to 127.0.0.1, paced (every 1 ms tick
// sends what the rate allows by then) or as fast as it can. Receivers, one at a time, alternating:
// a Sockpit UDP session (with its UI attached), a bare Node dgram socket given the same receive buffer
// Sockpit asks for, and a bare one with the system's default buffer. Rate = datagrams received / (first
// → last received); loss = sent − received, checked against the kernel's own drop count for the socket.

export type Receiver = 'sockpit' | 'bare' | 'bare-default' | 'socat';

export interface UdpOptions {
  count: number;
  sizes: number[];
  /** 0 = unpaced. */
  rates: number[];
  /** Runs of each receiver per unpaced case. */
  unpacedReps: number;
  /**
   * Runs of Sockpit and bare Node per paced case, alternating (A B B A …): one 10 s run's receiver CPU varies by about
   * a tenth, as much as the target's margin, so their ratio compares medians, as the TCP benchmark does. Every run counts
   * towards the loss target. The other receivers run once: they are shown, not compared.
   */
  pacedReps: number;
  receivers: Receiver[];
  /** Sockpit's default; the bare reference gets the same. */
  recvBufferBytes: number;
  runTimeoutMs: number;
  /**
   * Rates run again on a constrained receiver (a slower machine, reproduced): its process pinned to one CPU that
   * a busy-looping process shares, the sender kept on another CPU. Paced only; empty for none.
   */
  constrainedRates: number[];
  constrainedReceivers: Receiver[];
}

export const UDP_FULL: UdpOptions = {
  count: 1_000_000,
  sizes: [64, 1400],
  rates: [100_000, 0],
  unpacedReps: 3,
  pacedReps: 3,
  receivers: ['sockpit', 'bare', 'bare-default', 'socat'],
  recvBufferBytes: 4 * 1024 * 1024,
  runTimeoutMs: 60_000,
  constrainedRates: [100_000],
  constrainedReceivers: ['sockpit', 'bare'],
};

export const UDP_SMOKE: UdpOptions = {
  // Slow enough that a CI machine stalling the receiver for half a second still loses nothing.
  count: 5000,
  sizes: [64, 1400],
  rates: [5000],
  unpacedReps: 1,
  pacedReps: 1,
  receivers: ['sockpit', 'bare', 'socat'],
  recvBufferBytes: 4 * 1024 * 1024,
  runTimeoutMs: 30_000,
  constrainedRates: [5000],
  constrainedReceivers: ['sockpit', 'bare'],
};

export interface UdpRun {
  receiver: Receiver;
  /** Run on the constrained receiver (see UdpOptions.constrainedRates). */
  constrained: boolean;
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
  /**
   * The same count one second after the sender started; undefined where unavailable or when the send took less.
   * Losses while a receiver warms up to a flood and losses once it runs steadily have different causes.
   */
  firstSecondDrops?: number;
  recvBufferGranted: number;
  receiverCpuMs: number;
  maxRssBytes: number;
  ui?: UiTotals;
  capture?: { bytes: number; capBytes: number; evictedBytes: number; lastSeq: number };
  bytesIn?: number;
}

/** What `runOne` adds to a receiver's own figures: the sender's side, the kernel's counts and where it ran. */
type SetByTheRun =
  'size' | 'perSecond' | 'sent' | 'sendErrors' | 'sendMs' | 'lost' | 'kernelDrops' | 'firstSecondDrops' | 'constrained';

export interface Receiving {
  pid: number;
  port: number;
  recvBufferGranted: number;
  count(): Promise<number>;
  finish(): Promise<Omit<UdpRun, SetByTheRun>>;
  stop(): Promise<void>;
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
    pid: child.pid,
    stop: () => child.stop(),
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
    pid: child.pid,
    stop: () => child.stop(),
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

async function runOne(
  receiver: Receiver,
  size: number,
  perSecond: number,
  options: UdpOptions,
  placement?: Placement,
): Promise<UdpRun> {
  const receiving =
    receiver === 'sockpit'
      ? await sockpitReceiver(options)
      : receiver === 'socat'
        ? await socatReceiver(options.recvBufferBytes, size)
        : await bareReceiver(receiver, options);
  // Pinned after the receiver set up (Sockpit's UI client process was forked by then and stays free), before the sender starts.
  const released = placement ? await placement.apply(receiving.pid) : undefined;
  const peer = await startChild('peer', placement ? { cpu: placement.senderCpu } : {});
  let firstSecondDrops: number | undefined;
  const oneSecondIn = setTimeout(() => (firstSecondDrops = udpDrops(receiving.port)), 1000);
  try {
    const sent = await peer.call<{ sent: number; errors: number; ms: number }>(
      'udpSend',
      { port: receiving.port, count: options.count, size, perSecond, timeoutMs: options.runTimeoutMs },
      options.runTimeoutMs + 5000,
    );
    clearTimeout(oneSecondIn);
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
      firstSecondDrops,
      constrained: placement?.burner ?? false,
    };
  } finally {
    clearTimeout(oneSecondIn);
    await peer.stop();
    await released?.();
    await receiving.stop();
  }
}

const LABELS: Record<Receiver, string> = {
  sockpit: 'Sockpit',
  bare: 'bare Node, same buffer',
  'bare-default': 'bare Node, default buffer',
  socat: 'socat (peer tool), same buffer',
};
const label = (receiver: Receiver) => LABELS[receiver];
const pacing = (perSecond: number, constrained = false) =>
  `${perSecond > 0 ? `paced ${fmtPerSecond(perSecond)}` : 'unpaced'}${constrained ? ', constrained' : ''}`;
const cpuPerMillion = (run: UdpRun) => (run.receiverCpuMs / Math.max(1, run.received)) * 1e6;

export async function benchUdp(
  options: UdpOptions,
  mode: 'full' | 'smoke',
  preliminary = false,
): Promise<BenchResult & { runs: UdpRun[] }> {
  const started = performance.now();
  const result = Object.assign(newResult('udp', 'UDP ingest', mode, preliminary), { runs: [] as UdpRun[] });
  result.commands.push(
    `sender: a separate Node process (bench/children/peer.ts udpSend), one connected udp4 socket, ${fmtCount(options.count)} datagrams per run; paced = every 1 ms timer tick sends what the rate allows by then, unpaced = bursts of 256 then setImmediate`,
    `sockpit: Engine + UDP session {host 127.0.0.1, port 0, recvBufferBytes ${fmtCount(options.recvBufferBytes)}} + EventStream → UI client process (forked and loaded before the sender starts, as a window is up before traffic comes)`,
    `bare: dgram.createSocket({type: 'udp4', recvBufferSize: ${fmtCount(options.recvBufferBytes)}}) counting 'message' events; bare-default: the same without recvBufferSize`,
    'kernel drops: the drops column of /proc/net/udp for the receiving port, read before the socket closes',
    "receiver CPU: the receiving process's own user + system time (process.cpuUsage() in the Node children, /proc/PID/stat for socat); Sockpit's UI client process is not counted",
  );
  const missing = socatMissing();
  const receivers = options.receivers.filter((receiver) => receiver !== 'socat' || !missing);
  if (missing && options.receivers.includes('socat')) result.why.push(`socat rows skipped: ${missing}.`);
  else if (receivers.includes('socat'))
    result.commands.push(
      `socat: socat -u UDP-RECV:PORT,bind=127.0.0.1,rcvbuf=${fmtCount(options.recvBufferBytes)} STDOUT into a pipe this process counts; datagrams = bytes ÷ size`,
    );
  const apart = placeApart(false);
  if (typeof apart === 'string') result.why.push(`Sender and receiver run where the scheduler puts them: ${apart}.`);
  else result.commands.push(`every row: ${placementNote(apart)}`);
  const placed = typeof apart === 'object' ? apart : undefined;
  const constraint = options.constrainedRates.length > 0 ? placeApart(true) : undefined;
  if (options.constrainedRates.length > 0) {
    if (typeof constraint === 'string') result.why.push(`Constrained rows skipped: ${constraint}.`);
    else if (constraint) result.commands.push(`constrained: ${placementNote(constraint)}`);
  }
  try {
    for (const size of options.sizes) {
      for (const perSecond of options.rates) {
        const runAt = (receiver: Receiver) => runOne(receiver, size, perSecond, options, placed);
        if (perSecond === 0) {
          await alternating(receivers, options.unpacedReps, runAt, result.runs);
          continue;
        }
        const compared: Receiver[] = receivers.filter((receiver) => receiver === 'sockpit' || receiver === 'bare');
        await alternating(compared, options.pacedReps, runAt, result.runs);
        await alternating(
          receivers.filter((receiver) => !compared.includes(receiver)),
          1,
          runAt,
          result.runs,
        );
      }
      if (typeof constraint !== 'object') continue;
      for (const perSecond of options.constrainedRates) {
        await alternating(
          options.constrainedReceivers,
          1,
          (receiver) => runOne(receiver, size, perSecond, options, constraint),
          result.runs,
        );
      }
    }
  } catch (err) {
    result.error = errorText(err);
  } finally {
    await stopAllChildren();
  }

  const groups = [
    ...options.rates.map((perSecond) => ({ perSecond, constrained: false })),
    ...options.constrainedRates.map((perSecond) => ({ perSecond, constrained: true })),
  ];
  for (const size of options.sizes) {
    for (const { perSecond, constrained } of groups) {
      const runs = (receiver: Receiver) =>
        result.runs.filter(
          (run) =>
            run.size === size &&
            run.perSecond === perSecond &&
            run.constrained === constrained &&
            run.receiver === receiver,
        );
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
            `${size} B, ${pacing(perSecond, constrained)}: datagrams lost by Sockpit`,
            lost,
            0,
            fmtCount,
            `bare Node, same buffer: ${bare.map((run) => fmtCount(run.lost)).join(', ') || '—'}`,
          ),
        );
      }
      // Paced, both receivers handle the same datagrams at the same rate: their CPU compares like for like. Not at
      // smoke scale, where the engine's timers outweigh a few thousand datagrams.
      if (mode === 'full' && perSecond > 0 && !constrained && sockpit.length > 0 && bare.length > 0) {
        const sockpitCpu = median(sockpit.map(cpuPerMillion));
        const bareCpu = median(bare.map(cpuPerMillion));
        result.targets.push(
          atMost(
            `${size} B, ${pacing(perSecond)}: receiver CPU per million datagrams, Sockpit ÷ bare Node`,
            sockpitCpu / bareCpu,
            1.1,
            fmtRatio,
            `${sockpit.length > 1 || bare.length > 1 ? `medians of ${sockpit.length} and ${bare.length} runs: ` : ''}bare Node ${fmtMs(bareCpu)}, Sockpit ${fmtMs(sockpitCpu)} (issue: ~6 s bare, 9.25 s Sockpit on a 2.4 GHz machine)`,
          ),
        );
      }
    }
  }

  for (const run of result.runs) {
    const where = `${label(run.receiver)}, ${run.size} B, ${pacing(run.perSecond, run.constrained)}`;
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
      'kernel drops (in the first second)',
      'receiver CPU',
      'receiver CPU per million',
      'UI received / skipped',
    ],
    rows: result.runs.map((run) => [
      `${run.size} B`,
      pacing(run.perSecond, run.constrained),
      label(run.receiver),
      fmtMiB(run.recvBufferGranted),
      fmtCount(run.sent),
      fmtPerSecond((run.sent * 1000) / run.sendMs),
      fmtCount(run.received),
      fmtPerSecond(run.rate),
      `${fmtCount(run.lost)} (${fmtPct(run.lost / run.sent)})`,
      run.kernelDrops === undefined
        ? '—'
        : `${fmtCount(run.kernelDrops)}${run.firstSecondDrops === undefined ? '' : ` (${fmtCount(run.firstSecondDrops)})`}`,
      fmtMs(run.receiverCpuMs),
      fmtMs(cpuPerMillion(run)),
      run.ui ? `${fmtCount(run.ui.records)} / ${fmtCount(run.ui.skipped)}` : '',
    ]),
  });

  for (const run of result.runs.filter((r) => r.receiver === 'sockpit' && r.perSecond > 0 && r.lost > 0)) {
    const bare = result.runs.find(
      (r) =>
        r.receiver === 'bare' &&
        r.size === run.size &&
        r.perSecond === run.perSecond &&
        r.constrained === run.constrained,
    );
    result.why.push(
      `${run.size} B ${pacing(run.perSecond, run.constrained)}: Sockpit lost ${fmtCount(run.lost)} datagrams, ${run.kernelDrops === run.lost ? 'every one a kernel drop at the full receive buffer' : `the kernel counted ${fmtCount(run.kernelDrops ?? NaN)}`} ` +
        `(${fmtMiB(run.recvBufferGranted)} granted): the engine process did not read the socket for longer than that buffer lasts at this rate. ` +
        (run.firstSecondDrops === undefined
          ? ''
          : `${fmtCount(run.firstSecondDrops)} of them in the flood's first second, ${fmtCount((run.kernelDrops ?? 0) - run.firstSecondDrops)} after. `) +
        `Receiver CPU for the run: Sockpit ${fmtMs(run.receiverCpuMs)}${bare ? `, bare Node ${fmtMs(bare.receiverCpuMs)} (which lost ${fmtCount(bare.lost)})` : ''}.`,
    );
  }
  const unpacedSender = median(
    result.runs.filter((run) => run.perSecond === 0 && !run.constrained).map((run) => (run.sent * 1000) / run.sendMs),
  );
  if (Number.isFinite(unpacedSender)) {
    result.why.push(
      `Unpaced, the one sender process managed a median ${fmtPerSecond(unpacedSender)} while sharing the two cores with the receiver: an unpaced ` +
        'run measures whichever side is slower, and its losses are the receiver falling behind that sender.',
    );
  }
  for (const size of options.sizes) {
    for (const { perSecond, constrained } of [
      { perSecond: 0, constrained: false },
      ...groups.filter((g) => g.constrained),
    ]) {
      const cpu = (receiver: Receiver) =>
        median(
          result.runs
            .filter(
              (run) =>
                run.size === size &&
                run.perSecond === perSecond &&
                run.constrained === constrained &&
                run.receiver === receiver,
            )
            .map(cpuPerMillion),
        );
      const bare = cpu('bare');
      const sockpit = cpu('sockpit');
      const socat = cpu('socat');
      if (Number.isFinite(bare) && Number.isFinite(sockpit)) {
        result.why.push(
          `${size} B ${pacing(perSecond, constrained)}: receiver CPU per million datagrams received — bare ${fmtMs(bare)}, Sockpit ${fmtMs(sockpit)} (${fmtRatio(sockpit / bare)})${Number.isFinite(socat) ? `, socat ${fmtMs(socat)}` : ''}.`,
        );
      }
    }
  }
  return finish(result, started) as BenchResult & { runs: UdpRun[] };
}
