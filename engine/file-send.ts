import { open, stat, type FileHandle } from 'node:fs/promises';
import { basename, isAbsolute } from 'node:path';
import {
  DEFAULT_TCP_FILE_CHUNK_BYTES,
  DEFAULT_UDP_DATAGRAM_BYTES,
  FILE_PUSH_CHUNK_BYTES,
  type Command,
  type EngineEvent,
  type FileChunkAccepted,
  type FileSendInfo,
  type FileSendSource,
  type FileSendState,
} from '../shared/contract';
import { fail, ok, type Result, type SockpitError } from '../shared/result';
import { MAX_UDP_PAYLOAD_IPV4, MAX_UDP_PAYLOAD_IPV6 } from './errors';
import type { Session } from './session';
import { TcpClientSession } from './tcp-client';
import type { TcpConnection } from './tcp-connection';
import { TcpServerSession } from './tcp-server';
import { UdpSession } from './udp';
import { failWith } from '../shared/errors/word';
import { keyedError, wrappedError } from '../shared/errors/word';

// Sending a file: read a part, hand it to every destination, and read the next only once each of them
// has room again, so a 1 GiB file costs a window per destination, never the file. Every part is a tx record
// like any send (TCP: one per write of `chunkBytes`; UDP: one per datagram): the capture's cap bounds
// what is kept, the streams skip ahead for a view that falls behind, and the counters count every byte.

type StartCommand = Extract<Command, { type: 'file.send.start' }>;
type ChunkCommand = Extract<Command, { type: 'file.send.chunk' }>;

/** Progress events while a job runs: often enough for a smooth bar, rare enough to cost nothing. */
export const FILE_PROGRESS_INTERVAL_MS = 250;
/**
 * TCP: how much may wait in Node's buffer for one connection before reading stops. `pipe()` keeps 16 KiB;
 * a larger window lets the kernel always have the next part ready, and is still small next to the capture.
 */
const MIN_TCP_WINDOW_BYTES = 1024 * 1024;
/**
 * Bytes read from disk at once, then split into writes or datagrams of `chunkBytes`: one read per 64 KiB
 * write cost more CPU than the writes themselves.
 */
const READ_BYTES = 512 * 1024;
/** A pushed file whose user interface sends no part for this long has lost its sender (a closed tab). */
export const PUSH_IDLE_TIMEOUT_MS = 30_000;

function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  return `${(bytes / (1024 * 1024 * 1024)).toFixed(2)} GiB`;
}

/** Why a file cannot be read, in words for the person who named it. */
export function explainReadError(err: unknown, path: string): SockpitError {
  const code = (err as NodeJS.ErrnoException)?.code ?? 'E_FILE';
  switch (code) {
    case 'ENOENT':
      return keyedError(code, 'read-no-file', { path });
    case 'EACCES':
    case 'EPERM':
      return keyedError(code, 'read-denied', { path });
    case 'EISDIR':
      return keyedError(code, 'read-is-folder', { path });
    case 'ENOTDIR':
      return keyedError(code, 'read-path-not-folder', { path });
    case 'ELOOP':
      return keyedError(code, 'read-loop', { path });
    case 'EMFILE':
    case 'ENFILE':
      return keyedError(code, 'read-too-many-open', { path });
    default:
      return keyedError(code, 'read-failed', { path, detail: (err as Error)?.message ?? String(err) });
  }
}

/** One place the file goes: a TCP connection, or a UDP host:port. */
interface Destination {
  readonly label: string;
  /** Bytes handed to the socket whose write has not completed. */
  outstanding: number;
  /** Bytes of the file the system has taken. */
  sent: number;
  gone: boolean;
}

interface TcpDestination extends Destination {
  readonly connection: TcpConnection;
}

type Way =
  | { kind: 'tcp'; destinations: TcpDestination[] }
  | { kind: 'udp'; session: UdpSession; host: string; port: number; destination: Destination };

function waitMs(ms: number, cancelled: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void cancelled.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** One file going to one session's destinations. */
class FileSendJob {
  state: FileSendState = 'sending';
  private sentAtLastReport = 0;
  private reportedAt = performance.now();
  private bytesPerSecond = 0;
  private datagrams = 0;
  private readonly startedAt = Date.now();
  private endedAt?: number;
  private reason?: string;
  private error?: SockpitError;
  private readonly progressTimer: NodeJS.Timeout;
  /** Whoever waits for room (the reader, a pushed part, the final drain). */
  private readonly wakers = new Set<() => void>();
  private resolveEnded!: () => void;
  /** Resolves when the job ends, however it ends. */
  readonly ended = new Promise<void>((resolve) => (this.resolveEnded = resolve));
  /** Push source: bytes received so far, and whether a part is being taken now. */
  private received = 0;
  private taking = false;
  private idleTimer?: NodeJS.Timeout;
  private readonly window: number;

  constructor(
    readonly id: string,
    readonly session: Session,
    readonly name: string,
    readonly totalBytes: number,
    readonly chunkBytes: number,
    private readonly pauseMs: number,
    private readonly way: Way,
    private readonly emit: (event: EngineEvent) => void,
    private readonly onEnd: (job: FileSendJob) => void,
  ) {
    this.window = Math.max(MIN_TCP_WINDOW_BYTES, 2 * chunkBytes);
    this.progressTimer = setInterval(() => this.report(), FILE_PROGRESS_INTERVAL_MS);
    this.progressTimer.unref();
    if (way.kind === 'tcp') {
      for (const destination of way.destinations) {
        // The socket's own close, not `closed`: it runs in the same turn as the session's connection.closed
        // event, so whoever reacts to that event (the CLI ends the run) finds this job already failed.
        destination.connection.socket.once('close', () => {
          if (destination.gone || this.state !== 'sending') return;
          this.drop(
            destination,
            keyedError('E_CONNECTION_GONE', 'file-connection-gone', {
              peer: destination.label,
              sent: sizeText(destination.sent),
              total: sizeText(totalBytes),
              name,
            }),
          );
        });
      }
    }
  }

  private get destinations(): Destination[] {
    return this.way.kind === 'tcp' ? this.way.destinations : [this.way.destination];
  }

  private live(): Destination[] {
    return this.destinations.filter((destination) => !destination.gone);
  }

  /** Bytes every remaining destination has taken. */
  get sentBytes(): number {
    const live = this.live();
    if (live.length === 0) return Math.max(0, ...this.destinations.map((d) => d.sent));
    return Math.min(...live.map((d) => d.sent));
  }

  info(): FileSendInfo {
    return {
      jobId: this.id,
      sessionId: this.session.id,
      name: this.name,
      totalBytes: this.totalBytes,
      sentBytes: this.sentBytes,
      bytesPerSecond: this.bytesPerSecond,
      destinations: this.live().length,
      chunkBytes: this.chunkBytes,
      ...(this.way.kind === 'udp' ? { datagrams: this.datagrams } : {}),
      state: this.state,
      ...(this.reason ? { reason: this.reason } : {}),
      ...(this.error ? { error: this.error } : {}),
      startedAt: this.startedAt,
      ...(this.endedAt ? { endedAt: this.endedAt } : {}),
    };
  }

  private report(): void {
    const now = performance.now();
    const sent = this.sentBytes;
    const seconds = (now - this.reportedAt) / 1000;
    const rate = seconds > 0 ? Math.round((sent - this.sentAtLastReport) / seconds) : 0;
    // A stalled send still reports once, so the rate shown falls to zero instead of freezing.
    if (sent === this.sentAtLastReport && rate === 0 && this.bytesPerSecond === 0) return;
    this.bytesPerSecond = rate;
    this.sentAtLastReport = sent;
    this.reportedAt = now;
    this.emit({ type: 'file.send.progress', job: this.info() });
  }

  private signal(): void {
    const waiting = [...this.wakers];
    this.wakers.clear();
    for (const wake of waiting) wake();
  }

  /** Resolves once every remaining destination has room for more, or the job is over. */
  private async room(limit = this.window): Promise<void> {
    while (this.state === 'sending' && this.live().some((d) => d.outstanding >= limit)) {
      await new Promise<void>((resolve) => this.wakers.add(resolve));
    }
  }

  /** Resolves once everything handed out is written, or the job is over. */
  private drained(): Promise<void> {
    return this.room(1);
  }

  private drop(destination: Destination, error: SockpitError): void {
    if (destination.gone) return;
    destination.gone = true;
    if (this.live().length === 0) {
      this.end('failed', error.message, error);
      return;
    }
    // Others still take the file: say which one left, and go on.
    this.session.reportError({ ...error, hint: 'The file still goes to the other connections.' });
    this.signal();
  }

  /** One write of `chunkBytes` (or what is left) to every remaining connection; a TCP job's pace is `room()`. */
  private write(destinations: TcpDestination[], bytes: Buffer, at: number): void {
    const part = bytes.subarray(at, Math.min(at + this.chunkBytes, bytes.byteLength));
    const size = part.byteLength;
    for (const destination of destinations) {
      if (destination.gone) continue;
      destination.outstanding += size;
      void destination.connection.write(part).then((written) => {
        destination.outstanding -= size;
        if (written.ok) destination.sent += size;
        else if (this.state === 'sending') {
          this.drop(
            destination,
            wrappedError(
              'file-send-stopped',
              {
                name: this.name,
                peer: destination.label,
                sent: sizeText(destination.sent),
                total: sizeText(this.totalBytes),
              },
              written.error,
            ),
          );
        }
        this.signal();
      });
    }
  }

  /** Hand one part to every destination. TCP returns at once (room() paces the next); UDP as datagrams go. */
  private async give(bytes: Buffer): Promise<void> {
    const way = this.way;
    if (way.kind === 'tcp') {
      for (let at = 0; at < bytes.byteLength; at += this.chunkBytes) this.write(way.destinations, bytes, at);
      return;
    }
    const { destination } = way;
    for (let at = 0; at < bytes.byteLength && this.state === 'sending'; at += this.chunkBytes) {
      const datagram = bytes.subarray(at, Math.min(at + this.chunkBytes, bytes.byteLength));
      const sent = await way.session.send(datagram, { to: 'peer', host: way.host, port: way.port });
      if (this.state !== 'sending') return;
      if (!sent.ok) {
        this.end('failed', sent.error.message, sent.error);
        return;
      }
      destination.sent += datagram.byteLength;
      this.datagrams++;
      if (this.pauseMs > 0) await waitMs(this.pauseMs, this.ended);
    }
  }

  /** Path source: read a part, give it, and read the next once there is room. */
  async streamFrom(handle: FileHandle): Promise<void> {
    const readBytes = this.chunkBytes * Math.max(1, Math.floor(READ_BYTES / this.chunkBytes));
    try {
      let offset = 0;
      while (offset < this.totalBytes && this.state === 'sending') {
        await this.room();
        if (this.state !== 'sending') break;
        // A fresh buffer per part: the capture keeps big tx payloads as they are, so one must never be reused.
        const buffer = Buffer.allocUnsafe(Math.min(readBytes, this.totalBytes - offset));
        const { bytesRead } = await handle.read(buffer, 0, buffer.byteLength, offset);
        if (this.state !== 'sending') break;
        if (bytesRead === 0) {
          this.end(
            'failed',
            `${this.name} got shorter while it was being sent; ${sizeText(offset)} of it went.`,
            keyedError('E_FILE_CHANGED', 'file-got-shorter', { name: this.name }),
          );
          break;
        }
        offset += bytesRead;
        await this.give(buffer.subarray(0, bytesRead));
      }
      await this.drained();
      if (this.state === 'sending') this.end('done');
    } catch (err) {
      const error = explainReadError(err, this.name);
      this.end('failed', error.message, error);
    } finally {
      await handle.close().catch(() => {});
    }
  }

  /** Push source: nothing to send (an empty file) ends at once; otherwise wait for parts. */
  awaitParts(): void {
    if (this.totalBytes === 0) this.end('done');
    else this.armIdleTimer();
  }

  private armIdleTimer(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.end(
        'failed',
        `No part of ${this.name} arrived for ${PUSH_IDLE_TIMEOUT_MS / 1000} s.`,
        keyedError('E_FILE_ABANDONED', 'file-abandoned', { name: this.name, seconds: PUSH_IDLE_TIMEOUT_MS / 1000 }),
      );
    }, PUSH_IDLE_TIMEOUT_MS);
    this.idleTimer.unref();
  }

  async takePart(command: ChunkCommand): Promise<Result<FileChunkAccepted>> {
    if (this.state !== 'sending') return failWith('E_STATE', 'file-send-ended', { name: this.name, state: this.state });
    if (this.taking) {
      return failWith('E_BUSY', 'file-part-busy');
    }
    if (command.offset !== this.received) {
      return failWith('E_VALIDATION', 'file-part-out-of-order', {
        offset: command.offset,
        received: this.received,
        name: this.name,
      });
    }
    const bytes = Buffer.from(command.data, 'base64');
    if (bytes.byteLength > FILE_PUSH_CHUNK_BYTES) {
      return failWith('E_TOO_LARGE', 'file-part-too-large', { kib: FILE_PUSH_CHUNK_BYTES / 1024 });
    }
    if (this.received + bytes.byteLength > this.totalBytes) {
      return failWith('E_VALIDATION', 'file-part-too-long', { name: this.name, total: this.totalBytes });
    }
    clearTimeout(this.idleTimer);
    this.taking = true;
    try {
      this.received += bytes.byteLength;
      for (let at = 0; at < bytes.byteLength && this.state === 'sending'; at += this.chunkBytes) {
        await this.give(bytes.subarray(at, Math.min(at + this.chunkBytes, bytes.byteLength)));
        await this.room();
      }
    } finally {
      this.taking = false;
    }
    if (this.state === 'sending') {
      if (this.received === this.totalBytes) {
        void this.drained().then(() => {
          if (this.state === 'sending') this.end('done');
        });
      } else {
        this.armIdleTimer();
      }
    } else if (this.state !== 'done') {
      return fail(
        'E_STATE',
        this.reason ?? `Sending ${this.name} ended.`,
        this.error?.hint ? { hint: this.error.hint } : undefined,
      );
    }
    return ok({ receivedBytes: this.received, sentBytes: this.sentBytes });
  }

  /** Stop for good. Bytes already handed to a socket (at most one window) still go out. */
  end(state: Exclude<FileSendState, 'sending'>, reason?: string, error?: SockpitError): void {
    if (this.state !== 'sending') return;
    this.state = state;
    this.reason = reason;
    this.error = error;
    this.endedAt = Date.now();
    clearInterval(this.progressTimer);
    clearTimeout(this.idleTimer);
    const seconds = (this.endedAt - this.startedAt) / 1000;
    this.bytesPerSecond = seconds > 0 ? Math.round(this.sentBytes / seconds) : 0;
    this.signal();
    this.resolveEnded();
    this.onEnd(this);
    this.emit({ type: 'file.send.ended', job: this.info() });
  }

  progressWords(): string {
    return `${sizeText(this.sentBytes)} of ${sizeText(this.totalBytes)}`;
  }
}

/** Every file send of one engine; at most one per session at a time. */
export class FileSends {
  private readonly jobs = new Map<string, FileSendJob>();
  private count = 0;

  constructor(private readonly emit: (event: EngineEvent) => void) {}

  private ofSession(sessionId: string): FileSendJob | undefined {
    for (const job of this.jobs.values()) if (job.session.id === sessionId) return job;
    return undefined;
  }

  private way(session: Session, command: StartCommand, chunkBytes: number): Result<Way> {
    const { target } = command;
    if (session instanceof UdpSession) {
      if (session.state !== 'listening') return failWith('E_STATE', 'udp-not-started');
      const limit = session.family === 'udp4' ? MAX_UDP_PAYLOAD_IPV4 : MAX_UDP_PAYLOAD_IPV6;
      if (chunkBytes > limit) {
        return failWith('E_VALIDATION', 'file-datagram-too-large', {
          limit,
          family: session.family === 'udp4' ? 'IPv4' : 'IPv6',
          size: chunkBytes,
          ethernet: DEFAULT_UDP_DATAGRAM_BYTES,
        });
      }
      const destination = session.destination(target);
      if (!destination.ok) return destination;
      const { host, port } = destination.value;
      return ok({
        kind: 'udp',
        session,
        host,
        port,
        destination: { label: `${host}:${port}`, outstanding: 0, sent: 0, gone: false },
      });
    }
    if (command.pauseMs > 0) {
      return failWith('E_VALIDATION', 'file-pause-udp-only');
    }
    let connections: TcpConnection[];
    if (session instanceof TcpServerSession) {
      if (session.state !== 'listening') return failWith('E_STATE', 'server-not-running');
      const picked = session.pick(target);
      if (!picked.ok) return picked;
      connections = picked.value.filter((connection) => connection.writable);
      if (connections.length === 0) {
        return failWith('E_NO_TARGET', 'file-no-client');
      }
    } else if (session instanceof TcpClientSession) {
      if (target) return failWith('E_VALIDATION', 'client-target');
      if (session.config.mode === 'short') {
        return failWith('E_STATE', 'file-short-mode');
      }
      const connection = session.openConnection;
      if (!connection?.writable) {
        return failWith('E_STATE', 'client-not-connected', { remote: session.remoteText() });
      }
      connections = [connection];
    } else {
      return failWith('E_STATE', 'send-file-kind', { kind: session.config.kind });
    }
    return ok({
      kind: 'tcp',
      destinations: connections.map((connection) => ({
        connection,
        label: connection.peer,
        outstanding: 0,
        sent: 0,
        gone: false,
      })),
    });
  }

  private async openSource(
    source: FileSendSource,
  ): Promise<Result<{ name: string; size: number; handle?: FileHandle }>> {
    if (source.kind === 'push') return ok({ name: source.name, size: source.size });
    const { path } = source;
    if (!isAbsolute(path)) {
      return failWith('E_VALIDATION', 'file-not-absolute', { path });
    }
    try {
      const found = await stat(path);
      if (found.isDirectory()) return { ok: false, error: explainReadError({ code: 'EISDIR' }, path) };
      if (!found.isFile()) {
        return failWith('E_NOT_A_FILE', 'file-not-regular', { path });
      }
      const handle = await open(path, 'r');
      // The size when it opened is what goes: a file still growing is sent as it was then.
      const { size } = await handle.stat();
      return ok({ name: basename(path), size, handle });
    } catch (err) {
      return { ok: false, error: explainReadError(err, path) };
    }
  }

  async start(session: Session, command: StartCommand): Promise<Result<FileSendInfo>> {
    const busy = this.ofSession(session.id);
    if (busy) {
      return failWith('E_BUSY', 'file-already-sending', { name: busy.name, progress: busy.progressWords() });
    }
    const udp = session instanceof UdpSession;
    const chunkBytes = command.chunkBytes ?? (udp ? DEFAULT_UDP_DATAGRAM_BYTES : DEFAULT_TCP_FILE_CHUNK_BYTES);
    const source = await this.openSource(command.source);
    if (!source.ok) return source;
    const { name, size, handle } = source.value;
    // Checked after the file opened: the session or a connection may have gone meanwhile, or another job started.
    const way = this.ofSession(session.id) ? undefined : this.way(session, command, chunkBytes);
    if (!way?.ok) {
      await handle?.close().catch(() => {});
      return way ?? failWith('E_BUSY', 'file-send-raced');
    }
    const job = new FileSendJob(
      `f${++this.count}`,
      session,
      name,
      size,
      chunkBytes,
      command.pauseMs,
      way.value,
      this.emit,
      (ended) => this.jobs.delete(ended.id),
    );
    this.jobs.set(job.id, job);
    const info = job.info();
    if (handle) void job.streamFrom(handle);
    else job.awaitParts();
    return ok(info);
  }

  private job(sessionId: string, jobId: string): Result<FileSendJob> {
    const job = this.jobs.get(jobId);
    if (!job || job.session.id !== sessionId) {
      return failWith('E_NOT_FOUND', 'file-send-not-running', { id: jobId });
    }
    return ok(job);
  }

  chunk(command: ChunkCommand): Promise<Result<FileChunkAccepted>> {
    const job = this.job(command.sessionId, command.jobId);
    return job.ok ? job.value.takePart(command) : Promise.resolve(job);
  }

  cancel(sessionId: string, jobId: string): Result<FileSendInfo> {
    const job = this.job(sessionId, jobId);
    if (!job.ok) return job;
    job.value.end('cancelled', `Cancelled after ${job.value.progressWords()}.`);
    return ok(job.value.info());
  }

  /** The session is stopping or going away: its file send ends first, saying so. */
  endForSession(sessionId: string, why: 'stopped' | 'removed'): void {
    const job = this.ofSession(sessionId);
    job?.end('cancelled', `The session was ${why} after ${job.progressWords()} of ${job.name}.`);
  }

  /** The engine is shutting down. */
  endAll(): void {
    for (const job of [...this.jobs.values()]) {
      job.end('cancelled', `Sockpit shut down after ${job.progressWords()} of ${job.name}.`);
    }
  }
}
