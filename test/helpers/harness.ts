import { createConnection, type Socket } from 'node:net';
import {
  EngineEvent as EngineEventSchema,
  formatIssues,
  type CaptureRecord,
  type CommandInput,
  type CommandType,
  type CommandValues,
  type EngineEvent,
  type SessionConfigInput,
} from '../../shared/contract';
import type { Result } from '../../shared/result';
import { Engine } from '../../engine/engine';
import { followRecords } from '../../engine/follow-records';
import { Waiters } from './waiters';

/** An engine plus everything it reported, with waits that always end and cost nothing per check. */
export class Harness {
  readonly engine = new Engine({ statsIntervalMs: 0 });
  readonly events: EngineEvent[] = [];
  /** Events that broke the contract's own schema; `close()` fails the test if there are any. */
  readonly malformed: string[] = [];
  private readonly kept: CaptureRecord[] = [];
  /** Bytes recorded so far per "session/dir", kept as a running sum so a wait checks it in O(1). */
  private readonly totals = new Map<string, number>();
  private readonly waiters = new Waiters();
  private readonly keepRecords: boolean;

  /**
   * Records are followed the way the CLI follows them (`followRecords`). `keepRecords: false` keeps only
   * their byte counts, for floods whose bytes are checked elsewhere (a file, the counters).
   */
  constructor(options: { keepRecords?: boolean } = {}) {
    this.keepRecords = options.keepRecords ?? true;
    this.engine.subscribe((event) => {
      const checked = EngineEventSchema.safeParse(event);
      if (!checked.success) this.malformed.push(`${event.type}: ${formatIssues(checked.error)}`);
      this.events.push(event);
      this.waiters.wake();
    });
    followRecords(this.engine, {
      onRecord: (record) => {
        const key = `${record.sessionId}/${record.dir}`;
        this.totals.set(key, (this.totals.get(key) ?? 0) + record.bytes.byteLength);
        // The record's bytes are a view into the capture, valid only now.
        if (this.keepRecords) this.kept.push({ ...record, bytes: Buffer.from(record.bytes) });
        this.waiters.wake();
      },
      onMissed: (sessionId, count) =>
        this.malformed.push(`${sessionId}: ${count} records were evicted before the harness read them`),
    });
  }

  async run<T extends CommandType>(command: Extract<CommandInput, { type: T }>): Promise<CommandValues[T]> {
    const result = (await this.engine.run(command)) as Result<CommandValues[T]>;
    if (!result.ok) throw new Error(`${command.type} failed: ${result.error.code} ${result.error.message}`);
    return result.value;
  }

  /** Create and start a session; returns its id and the local endpoint it really got. */
  async start(config: SessionConfigInput): Promise<{ id: string; host: string; port: number; local: string }> {
    const created = await this.run({ type: 'session.create', config });
    const started = await this.run({ type: 'session.start', sessionId: created.sessionId });
    const local = started.local ?? '';
    const match = /^\[?(.*?)\]?:(\d+)$/.exec(local);
    return { id: created.sessionId, host: match?.[1] ?? '', port: Number(match?.[2] ?? 0), local };
  }

  /** Wait until an event matching `predicate` has been reported (including ones already seen). */
  waitFor<E extends EngineEvent>(predicate: (event: EngineEvent) => event is E, timeoutMs?: number): Promise<E>;
  waitFor(predicate: (event: EngineEvent) => boolean, timeoutMs?: number): Promise<EngineEvent>;
  waitFor(predicate: (event: EngineEvent) => boolean, timeoutMs = 5000): Promise<EngineEvent> {
    // Each event is looked at once: a wait during a flood of events costs what the events cost.
    let checked = 0;
    return this.waiters.until(
      () => {
        for (; checked < this.events.length; checked++)
          if (predicate(this.events[checked]!)) return this.events[checked];
        return undefined;
      },
      timeoutMs,
      'an event',
      () => `; events: ${this.events.map((e) => e.type).join(', ')}`,
    );
  }

  /** Copies of the records kept so far (all sessions, or one), in the order they were captured. */
  records(sessionId?: string): CaptureRecord[] {
    return sessionId === undefined ? [...this.kept] : this.kept.filter((r) => r.sessionId === sessionId);
  }

  /** Bytes recorded so far in one direction of a session, whether or not the records were kept. */
  byteCount(sessionId: string, dir: 'rx' | 'tx'): number {
    return this.totals.get(`${sessionId}/${dir}`) ?? 0;
  }

  /** Concatenated bytes of the session's records in one direction (optionally one connection). */
  bytes(sessionId: string, dir: 'rx' | 'tx', connectionId?: string): Buffer {
    const parts = this.kept.filter(
      (r) =>
        r.sessionId === sessionId && r.dir === dir && (connectionId === undefined || r.connectionId === connectionId),
    );
    return Buffer.concat(parts.map((r) => r.bytes));
  }

  /** Waits on the running byte count; the bytes are joined once, when it is reached. */
  async waitForBytes(sessionId: string, dir: 'rx' | 'tx', length: number, timeoutMs = 5000): Promise<Buffer> {
    await this.waiters.until(
      () => (this.byteCount(sessionId, dir) >= length ? true : undefined),
      timeoutMs,
      `${length} ${dir} bytes of ${sessionId}`,
      () => ` (got ${this.byteCount(sessionId, dir)})`,
    );
    return this.bytes(sessionId, dir);
  }

  async close(): Promise<void> {
    await this.engine.shutdown();
    if (this.malformed.length > 0)
      throw new Error(`the engine emitted events its own contract rejects:\n${this.malformed.join('\n')}`);
  }
}

/** A raw TCP peer that collects everything it receives. */
export async function tcpPeer(
  port: number,
  host = '127.0.0.1',
  options: { localAddress?: string; allowHalfOpen?: boolean } = {},
) {
  const socket: Socket = createConnection({
    port,
    host,
    localAddress: options.localAddress,
    allowHalfOpen: options.allowHalfOpen,
  });
  const chunks: Buffer[] = [];
  let length = 0;
  let ended = false;
  let closed = false;
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    length += chunk.length;
  });
  socket.on('end', () => (ended = true));
  socket.on('close', () => (closed = true));
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket,
    received: () => Buffer.concat(chunks),
    get ended() {
      return ended;
    },
    get closed() {
      return closed;
    },
    // The running length, not a concatenation per check: a flood's wait must not cost O(bytes²).
    waitForBytes: (wanted: number, timeoutMs = 5000) =>
      until(() => length >= wanted, timeoutMs, `${wanted} bytes`).then(() => Buffer.concat(chunks)),
    waitForEnd: (timeoutMs = 5000) => until(() => ended || closed, timeoutMs),
  };
}

export async function until(condition: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
