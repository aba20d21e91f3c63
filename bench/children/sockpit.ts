import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { EngineEvent, SessionInfo } from '../../shared/contract';
import { Engine } from '../../engine/engine';
import { EventStream } from '../../stream/event-stream';
import type { UiTotals } from './ui-client';
import { cpuSince, notify, rssBytes, serve } from './ipc';

// The Sockpit side of a benchmark: the real engine with one user interface attached through the real
// EventStream, as the desktop app has it. The "window" is a process of its own standing in for the
// renderer: each batch is copied to it over IPC (as Electron's IPC or the bridge's WebSocket copies it),
// decoded there with the contract's decodeBatch, and acknowledged back, so flow control runs exactly as
// in the app while this process's memory and CPU stay the engine's alone.

const engine = new Engine();
let stream: EventStream | undefined;
let ui: ChildProcess | undefined;
let uiWaiting: Array<(totals: UiTotals) => void> = [];
const sessions: string[] = [];
/** Received messages heard through `Engine.onMessage`, when `create` asked for a listener. */
const messages = { count: 0, bytes: 0, bad: 0 };

interface Watch {
  /** Connections opened so far; `accepted` is sent when it reaches `expectOpened`. */
  opened: number;
  expectOpened: number;
  closed: number;
  expectClosed: number;
  /** performance.now() of the first connection opened and of the last closed. */
  firstOpenedMs: number;
  lastClosedMs: number;
  /** monoUs of the first received record. */
  firstRecordUs: number;
  cpuStart: NodeJS.CpuUsage;
}

let watch: Watch = newWatch(0, 0);

function newWatch(expectOpened: number, expectClosed: number): Watch {
  return {
    opened: 0,
    expectOpened,
    closed: 0,
    expectClosed,
    firstOpenedMs: 0,
    lastClosedMs: 0,
    firstRecordUs: 0,
    cpuStart: process.cpuUsage(),
  };
}

engine.onRecords((sessionId, nextSeq) => {
  if (watch.firstRecordUs !== 0) return;
  const record = engine.capture(sessionId)?.get(nextSeq - 1);
  if (record?.dir === 'rx') watch.firstRecordUs = record.monoUs;
});

engine.subscribe((event: EngineEvent) => {
  switch (event.type) {
    case 'connection.opened':
      if (++watch.opened === 1) watch.firstOpenedMs = performance.now();
      if (watch.opened === watch.expectOpened)
        notify('accepted', {
          ms: performance.now() - watch.firstOpenedMs,
          rssBytes: rssBytes(),
          cpu: cpuSince(watch.cpuStart),
        });
      return;
    case 'connection.closed':
      watch.lastClosedMs = performance.now();
      if (++watch.closed === watch.expectClosed) {
        notify('closed', { ms: watch.lastClosedMs - watch.firstOpenedMs, cpu: cpuSince(watch.cpuStart) });
      }
      return;
  }
});

/**
 * Forks the UI client; resolves once it has loaded. A window is up long before traffic comes, so a benchmark must not
 * measure the engine while the stand-in window is still starting on the same CPUs.
 */
function attachUi(): Promise<void> {
  if (stream) return Promise.resolve();
  let loaded!: () => void;
  const ready = new Promise<void>((resolve) => (loaded = resolve));
  const child = fork(path.join(__dirname, 'ui-client.js'), [], {
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.on('message', (message: { ack?: number; totals?: UiTotals; ready?: true }) => {
    if (message.ready) loaded();
    if (message.ack !== undefined) stream?.ack(message.ack);
    if (message.totals) {
      const waiting = uiWaiting;
      uiWaiting = [];
      for (const resolve of waiting) resolve(message.totals);
    }
  });
  child.on('exit', (code, signal) => {
    if (stream) {
      process.stderr.write(`the UI client process exited (${signal ?? code})\n`);
      process.exit(3);
    }
  });
  ui = child;
  stream = new EventStream(engine, (bytes) => {
    child.send(bytes);
  });
  return ready;
}

function askUi(): Promise<UiTotals | undefined> {
  if (!ui) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    uiWaiting.push(resolve);
    ui!.send('totals');
  });
}

async function unwrap<T>(
  result: Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }>,
): Promise<T> {
  const settled = await result;
  if (!settled.ok) throw new Error(`${settled.error.code}: ${settled.error.message}`);
  return settled.value;
}

async function stats(withConnections: boolean) {
  const sessionId = sessions[sessions.length - 1];
  if (!sessionId) throw new Error('no session');
  const raw = await unwrap(engine.execute({ type: 'stats.get', sessionId }) as Promise<never>);
  const value = raw as {
    counters: unknown;
    accepted: number;
    refused: number;
    capture: unknown;
    connections: unknown[];
  };
  const usage = process.resourceUsage();
  return {
    counters: value.counters,
    accepted: value.accepted,
    refused: value.refused,
    capture: value.capture,
    connectionCount: value.connections.length,
    connections: withConnections ? value.connections : undefined,
    stream: stream?.counters(),
    messages: { ...messages },
    ui: await askUi(),
    rssBytes: rssBytes(),
    maxRssBytes: usage.maxRSS * 1024,
    heapUsedBytes: process.memoryUsage().heapUsed,
    /** Since the last `watch`: the engine and its UI thread together. */
    cpu: cpuSince(watch.cpuStart),
  };
}

serve({
  /** Creates and starts one session (raw config, validated by the engine as any face's would be). */
  /** `listenToMessages`: one message listener that counts, as auto-reply rules or the CLI's --frame listen. */
  async create(args: {
    config: Record<string, unknown>;
    ui: boolean;
    listenToMessages?: boolean;
  }): Promise<SessionInfo> {
    if (args.ui) await attachUi();
    const created = (await unwrap(
      engine.execute({ type: 'session.create', config: args.config }) as Promise<never>,
    )) as SessionInfo;
    sessions.push(created.sessionId);
    if (args.listenToMessages) {
      engine.onMessage(created.sessionId, (message) => {
        messages.count++;
        messages.bytes += message.bytes.byteLength;
        if (message.bad !== undefined) messages.bad++;
      });
    }
    return unwrap(engine.execute({ type: 'session.start', sessionId: created.sessionId }) as Promise<never>);
  },
  /** Starts counting from zero: `accepted` after this many opened connections, `closed` after this many closed. */
  watch(args: { opened?: number; closed?: number }) {
    watch = newWatch(args.opened ?? 0, args.closed ?? 0);
    return { rssBytes: rssBytes() };
  },
  firstRecordUs: () => watch.firstRecordUs,
  /** monoUs of the newest record (the capture store always keeps it). */
  lastRecordUs() {
    const store = engine.capture(sessions[sessions.length - 1] ?? '');
    const last = store?.stats().lastSeq ?? 0;
    return last > 0 ? (store!.get(last)?.monoUs ?? 0) : 0;
  },
  stats: (args: { connections?: boolean } = {}) => stats(Boolean(args.connections)),
  /**
   * Waits until the user interface has been offered every record and acknowledged every batch, so its
   * totals can be checked against the engine's; gives up after `timeoutMs`.
   */
  async settle(args: { timeoutMs: number }) {
    const deadline = performance.now() + args.timeoutMs;
    for (;;) {
      const counters = stream?.counters();
      const done =
        !counters ||
        (counters.inFlight === 0 &&
          counters.sessions.every((s) => s.cursor >= (engine.capture(s.sessionId)?.nextSeq ?? 0)) &&
          (await askUi())?.batches === counters.batchesSent);
      if (done) return stats(false);
      if (performance.now() > deadline)
        throw new Error(`the user interface did not catch up within ${args.timeoutMs} ms: ${JSON.stringify(counters)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  },
});
