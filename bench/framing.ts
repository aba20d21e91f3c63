import { DEFAULT_CAPTURE_CAP_BYTES } from '../shared/contract/sessions';
import { startChild, stopAllChildren } from './lib/children';
import { fmtCount, fmtMs, fmtRate, fmtRatio, GiB, median, MiB } from './lib/numbers';
import type { CpuTime } from './lib/protocol';
import { alternating, atLeast, check, errorText, finish, newResult, type BenchResult } from './lib/result';

// Framing at ingest: the TCP ingest benchmark's setup (bench/tcp.ts), with the client writing 64-byte lines
// ending in "\n", run four ways in alternation: a bare Node server that only counts; a Sockpit TCP server
// session as the tcp benchmark has it (per-read framing, UI attached); the same session framed with
// `delimiter 0A` and one message listener that counts every message (as auto-reply rules or `sockpit --frame`
// listen); and the same framing with nobody listening for messages (a session whose framing only its view
// uses). The figures: the ingest ratio (Sockpit ÷ bare) with framing against the ratio without it, same run.

export interface FramingOptions {
  totalBytes: number;
  chunkBytes: number;
  messageBytes: number;
  reps: number;
  captureCapBytes: number;
  runTimeoutMs: number;
}

export const FRAMING_FULL: FramingOptions = {
  totalBytes: 1 * GiB,
  chunkBytes: 64 * 1024,
  messageBytes: 64,
  reps: 5,
  captureCapBytes: DEFAULT_CAPTURE_CAP_BYTES,
  runTimeoutMs: 180_000,
};
export const FRAMING_SMOKE: FramingOptions = {
  totalBytes: 16 * MiB,
  chunkBytes: 64 * 1024,
  messageBytes: 64,
  reps: 1,
  captureCapBytes: 1 * MiB,
  runTimeoutMs: 60_000,
};

type Side = 'bare' | 'sockpit' | 'framed' | 'unheard';

export interface FramingRun {
  side: Side;
  bytes: number;
  ms: number;
  rate: number;
  serverCpuMs: number;
  messages?: { count: number; bytes: number; bad: number };
}

interface Closed {
  ms: number;
  cpu: CpuTime;
}

function portOf(local: string | undefined): number {
  const port = Number(/:(\d+)$/.exec(local ?? '')?.[1]);
  if (!port) throw new Error(`no port in "${local}"`);
  return port;
}

async function write(port: number, options: FramingOptions): Promise<void> {
  const peer = await startChild('peer');
  try {
    await peer.call(
      'tcpWrite',
      {
        port,
        totalBytes: options.totalBytes,
        chunkBytes: options.chunkBytes,
        messageBytes: options.messageBytes,
        timeoutMs: options.runTimeoutMs,
      },
      options.runTimeoutMs + 5000,
    );
  } finally {
    await peer.stop();
  }
}

async function runBare(options: FramingOptions): Promise<FramingRun> {
  const server = await startChild('bare');
  try {
    const { port } = await server.call<{ port: number }>('listen', { mode: 'tcp-count' });
    await server.call('watch', { closed: 1 });
    const closed = server.next<Closed>('closed', options.runTimeoutMs);
    await write(port, options);
    const { ms, cpu } = await closed;
    const stats = await server.call<{ bytes: number }>('stats');
    return {
      side: 'bare',
      bytes: stats.bytes,
      ms,
      rate: (stats.bytes / ms) * 1000,
      serverCpuMs: cpu.userMs + cpu.systemMs,
    };
  } finally {
    await server.stop();
  }
}

async function runSockpit(options: FramingOptions, side: Exclude<Side, 'bare'>): Promise<FramingRun> {
  const framed = side !== 'sockpit';
  const listen = side === 'framed';
  const server = await startChild('sockpit');
  try {
    const info = await server.call<{ local?: string }>('create', {
      config: {
        kind: 'tcp-server',
        host: '127.0.0.1',
        port: 0,
        captureCapBytes: options.captureCapBytes,
        ...(framed ? { framing: { mode: 'delimiter', delimiter: '0A' } } : {}),
      },
      ui: true,
      listenToMessages: listen,
    });
    await server.call('watch', { closed: 1 });
    const closed = server.next<Closed>('closed', options.runTimeoutMs);
    await write(portOf(info.local), options);
    const { ms, cpu } = await closed;
    const stats = await server.call<{
      counters: { bytesIn: number };
      messages: { count: number; bytes: number; bad: number };
    }>('settle', { timeoutMs: 30_000 }, 35_000);
    return {
      side,
      bytes: stats.counters.bytesIn,
      ms,
      rate: (stats.counters.bytesIn / ms) * 1000,
      serverCpuMs: cpu.userMs + cpu.systemMs,
      messages: listen ? stats.messages : undefined,
    };
  } finally {
    await server.stop();
  }
}

const LABEL: Record<Side, string> = {
  bare: 'bare Node',
  sockpit: 'Sockpit, per read',
  framed: 'Sockpit, delimiter 0A + a listener',
  unheard: 'Sockpit, delimiter 0A, nobody listening',
};

export async function benchFraming(
  options: FramingOptions,
  mode: 'full' | 'smoke',
  preliminary = false,
): Promise<BenchResult & { runs: FramingRun[] }> {
  const started = performance.now();
  const result = Object.assign(newResult('framing', 'Framing at ingest', mode, preliminary), {
    runs: [] as FramingRun[],
  });
  const messagesPerRun = options.totalBytes / options.messageBytes;
  result.commands.push(
    `client: a separate Node process (bench/children/peer.ts tcpWrite, messageBytes ${options.messageBytes}) writes ${fmtCount(options.totalBytes)} bytes of ${options.messageBytes}-byte lines ending in "\\n", in ${options.chunkBytes / 1024} KiB writes to 127.0.0.1`,
    'bare: net.createServer that adds up chunk lengths (bench/children/bare.ts, mode tcp-count)',
    `Sockpit, per read: Engine + TCP server session {captureCapBytes ${fmtCount(options.captureCapBytes)}} + EventStream → a UI client process, as the tcp benchmark`,
    'Sockpit, framed: the same with framing {mode: "delimiter", delimiter: "0A"} and one Engine.onMessage listener that counts messages, their bytes and the bad ones',
    'Sockpit, framing nobody listens to: the same framing, no message listener',
  );
  try {
    await alternating(
      ['bare', 'sockpit', 'framed', 'unheard'] as const,
      options.reps,
      (side) => (side === 'bare' ? runBare(options) : runSockpit(options, side)),
      result.runs,
    );
  } catch (err) {
    result.error = errorText(err);
  } finally {
    await stopAllChildren();
  }

  const of = (side: Side) => result.runs.filter((run) => run.side === side);
  const bareRate = median(of('bare').map((run) => run.rate));
  const plainRatio = median(of('sockpit').map((run) => run.rate)) / bareRate;
  const framedRatio = median(of('framed').map((run) => run.rate)) / bareRate;
  const unheardRatio = median(of('unheard').map((run) => run.rate)) / bareRate;
  const signed = (n: number) => `${n >= 0 ? '+' : '−'}${Math.abs(n).toFixed(2)}×`;
  result.targets.push(
    atLeast(
      'ingest ratio (Sockpit ÷ bare) with 64-byte "\\n" framing and a message listener, minus the ratio without',
      framedRatio - plainRatio,
      -0.05,
      signed,
      `with framing ${fmtRatio(framedRatio)}, without ${fmtRatio(plainRatio)}; bare Node ${fmtRate(bareRate)} in this run`,
    ),
    atLeast(
      'the same with the framing set and nobody listening for messages',
      unheardRatio - plainRatio,
      -0.05,
      signed,
      `with framing ${fmtRatio(unheardRatio)}, without ${fmtRatio(plainRatio)}`,
    ),
  );

  for (const run of result.runs) {
    check(
      result,
      'every byte counted',
      run.bytes === options.totalBytes,
      `${LABEL[run.side]}: ${fmtCount(run.bytes)} of ${fmtCount(options.totalBytes)} bytes`,
    );
  }
  for (const run of of('framed')) {
    const m = run.messages;
    check(
      result,
      'every line came out as one good message of 63 bytes',
      Boolean(m) &&
        m!.count === messagesPerRun &&
        m!.bad === 0 &&
        m!.bytes === messagesPerRun * (options.messageBytes - 1),
      m
        ? `${fmtCount(m.count)} of ${fmtCount(messagesPerRun)} messages, ${fmtCount(m.bytes)} bytes, ${m.bad} bad`
        : 'no message totals',
    );
  }

  result.tables.push({
    caption: 'Every run, in the order run',
    head: ['#', 'server', 'rate', 'time', 'server CPU', 'messages heard'],
    rows: result.runs.map((run, i) => [
      String(i + 1),
      LABEL[run.side],
      fmtRate(run.rate),
      fmtMs(run.ms),
      fmtMs(run.serverCpuMs),
      run.messages ? fmtCount(run.messages.count) : '',
    ]),
  });

  const cpuPerGiB = (side: Side) => median(of(side).map((run) => (run.serverCpuMs / run.bytes) * GiB));
  const extraNsPerMessage = ((cpuPerGiB('framed') - cpuPerGiB('sockpit')) * 1e6) / (GiB / options.messageBytes);
  if (Number.isFinite(extraNsPerMessage)) {
    result.why.push(
      `Server CPU per GiB: per read ${fmtMs(cpuPerGiB('sockpit'))}, framed ${fmtMs(cpuPerGiB('framed'))}: about ${extraNsPerMessage.toFixed(0)} ns more per message, ` +
        `for ${fmtCount(GiB / options.messageBytes)} messages per GiB. Each message is found (Buffer indexOf), cut (a view, no copy), ` +
        'wrapped in an RxMessage and handed to the listener; a session nobody listens to for messages frames nothing and costs nothing extra ' +
        '(a view frames captured records itself, with the same framer).',
    );
  }
  return finish(result, started) as BenchResult & { runs: FramingRun[] };
}
