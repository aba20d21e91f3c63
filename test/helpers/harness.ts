import { createConnection, type Socket } from 'node:net';
import { EngineEvent as EngineEventSchema, formatIssues, type CommandInput, type CommandType, type CommandValues, type EngineEvent, type SessionConfigInput } from '../../shared/contract';
import type { Result } from '../../shared/result';
import { Engine } from '../../engine/engine';

/** An engine plus everything it reported, with waits that always end. */
export class Harness {
  readonly engine = new Engine({ statsIntervalMs: 0 });
  readonly events: EngineEvent[] = [];
  /** Events that broke the contract's own schema; `close()` fails the test if there are any. */
  readonly malformed: string[] = [];
  private readonly waiters = new Set<() => void>();

  /** `keepRecords: false` leaves record events out of `events`, for floods whose bytes are checked elsewhere (a file, the counters). */
  constructor(options: { keepRecords?: boolean } = {}) {
    const keepRecords = options.keepRecords ?? true;
    this.engine.subscribe((event) => {
      if (!keepRecords && event.type === 'record') return;
      const checked = EngineEventSchema.safeParse(event);
      if (!checked.success) this.malformed.push(`${event.type}: ${formatIssues(checked.error)}`);
      this.events.push(event);
      for (const wake of this.waiters) wake();
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
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.events.find(predicate);
        if (!found) return false;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms; events: ${this.events.map((e) => e.type).join(', ')}`));
      }, timeoutMs);
      if (!check()) this.waiters.add(check);
    });
  }

  /** Concatenated bytes of the session's records in one direction (optionally one connection). */
  bytes(sessionId: string, dir: 'rx' | 'tx', connectionId?: string): Buffer {
    const parts = this.events
      .filter((e): e is Extract<EngineEvent, { type: 'record' }> => e.type === 'record')
      .map((e) => e.record)
      .filter((r) => r.sessionId === sessionId && r.dir === dir && (connectionId === undefined || r.connectionId === connectionId))
      .map((r) => Buffer.from(r.bytes));
    return Buffer.concat(parts);
  }

  async waitForBytes(sessionId: string, dir: 'rx' | 'tx', length: number, timeoutMs = 5000): Promise<Buffer> {
    await this.waitFor(() => this.bytes(sessionId, dir).length >= length, timeoutMs);
    return this.bytes(sessionId, dir);
  }

  async close(): Promise<void> {
    await this.engine.shutdown();
    if (this.malformed.length > 0) throw new Error(`the engine emitted events its own contract rejects:\n${this.malformed.join('\n')}`);
  }
}

/** A raw TCP peer that collects everything it receives. */
export async function tcpPeer(port: number, host = '127.0.0.1', options: { localAddress?: string; allowHalfOpen?: boolean } = {}) {
  const socket: Socket = createConnection({ port, host, localAddress: options.localAddress, allowHalfOpen: options.allowHalfOpen });
  const chunks: Buffer[] = [];
  let ended = false;
  let closed = false;
  socket.on('data', (chunk) => chunks.push(chunk));
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
    waitForBytes: (length: number, timeoutMs = 5000) => until(() => Buffer.concat(chunks).length >= length, timeoutMs).then(() => Buffer.concat(chunks)),
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
