import type { Socket } from 'node:net';
import type { CloseReason, ConnectionInfo, Direction, SendResult } from '../shared/contract';
import type { Encoding } from '../shared/codec/options';
import { ok, type Result, type SockpitError } from '../shared/result';
import { MAX_READ_RECORD_BYTES, nowStamp, type CaptureStore, type ReadArea } from './capture';
import { explainError, formatEndpoint } from './errors';
import { Meter } from './stats';
import type { SocketReader } from './tcp-read';
import { failWith, keyedError } from '../shared/errors/word';

/** How long a connection we asked to close politely (FIN) may linger before we destroy it. */
const CLOSE_GRACE_MS = 1500;

/**
 * The longest anyone waits for a socket to report that it closed. Stop, session stop and shutdown wait on
 * `closed`; if Node never emits 'close' (a failed reset once left the socket open forever), the connection
 * is destroyed and reported closed anyway, so no wait can hang.
 */
export const CLOSE_WAIT_LIMIT_MS = CLOSE_GRACE_MS + 1500;

/**
 * Echo stops on a connection once this much of what it echoed is still waiting in our send buffer
 * (beyond what the kernel holds): that peer is not reading, and echoing more would only grow memory.
 */
export const ECHO_MAX_UNREAD_BYTES = 4 * 1024 * 1024;

export interface TcpConnectionOptions {
  allowHalfOpen: boolean;
  /** The reader the socket was created with (engine/tcp-read.ts): every read arrives through it. */
  reader: SocketReader;
  idleTimeoutMs?: number;
  /** Called after each received chunk is recorded (short-mode exchanges watch for the reply). */
  onData?(chunk: Uint8Array): void;
  onClosed(connection: TcpConnection, reason: CloseReason, error?: SockpitError): void;
}

/** What a connection needs from the session it belongs to. */
export interface ConnectionOwner {
  readonly id: string;
  readonly meter: Meter;
  readonly config: { readonly echo: boolean };
  readonly capture: CaptureStore;
  /** The capture file asked the session to stop reading until the disk catches up. */
  readonly readingPaused: boolean;
  record(
    connectionId: string,
    dir: Direction,
    peer: string,
    bytes: Uint8Array,
    stamp?: { wallUs: number; monoUs: number },
    meter?: Meter,
    encoding?: Encoding,
  ): number;
  recordRead(
    connectionId: string,
    peer: string,
    bytes: Uint8Array,
    stamp: { wallUs: number; monoUs: number },
    meter: Meter,
    area: ReadArea | undefined,
  ): void;
  reportError(error: SockpitError, connectionId?: string): void;
  emitHalfClosed(connectionId: string, by: 'peer' | 'us'): void;
}

/**
 * One TCP connection of a session: a server's accepted client, a client's connection, or one
 * short-mode exchange. Records its traffic and remembers why it closed.
 */
export class TcpConnection {
  readonly meter: Meter;
  readonly peer: string;
  readonly local: string;
  readonly connectedAt = Date.now();
  state: ConnectionInfo['state'] = 'open';
  private closeReason?: CloseReason;
  private requestedReason?: CloseReason;
  private lastError?: SockpitError;
  private peerFinished = false;
  private graceTimer?: NodeJS.Timeout;
  private closeLimitTimer?: NodeJS.Timeout;
  private finished = false;
  private readonly finishClosed: () => void;
  private echoing: boolean;
  /** What the last periodic report said about this connection (see reportIfChanged). */
  private readonly reported: { version: number; active: boolean; state: ConnectionInfo['state'] } = {
    version: 0,
    active: false,
    state: 'open',
  };
  /** Resolves once the socket is fully closed. */
  readonly closed: Promise<void>;

  constructor(
    readonly id: string,
    readonly socket: Socket,
    private readonly session: ConnectionOwner,
    options: TcpConnectionOptions,
  ) {
    this.meter = new Meter({ parent: session.meter });
    this.peer = formatEndpoint(socket.remoteAddress ?? '?', socket.remotePort ?? 0);
    this.local = formatEndpoint(socket.localAddress ?? '?', socket.localPort ?? 0);
    let resolveClosed!: () => void;
    this.closed = new Promise((resolve) => (resolveClosed = resolve));

    this.echoing = session.config.echo;
    const onData = options.onData;
    options.reader.attach({
      capture: session.capture,
      received: (bytes, area) => {
        const stamp = nowStamp();
        // The echo goes out before the read is recorded, so listeners of the record cannot delay it.
        if (this.echoing) this.echo(bytes, stamp);
        session.recordRead(id, this.peer, bytes, stamp, this.meter, area);
        onData?.(bytes);
      },
    });
    if (session.readingPaused) socket.pause();
    socket.on('end', () => {
      this.peerFinished = true;
      if (options.allowHalfOpen && !socket.destroyed) {
        // The peer will send nothing more, but our side stays writable until the user closes it.
        this.state = this.state === 'half-closed-by-us' ? 'closed' : 'half-closed-by-peer';
        this.session.emitHalfClosed(this.id, 'peer');
      }
    });
    socket.on('error', (err) => {
      this.lastError = explainError(err, { op: socket.connecting ? 'connect' : 'read', protocol: 'TCP' });
    });
    if (options.idleTimeoutMs) {
      socket.setTimeout(options.idleTimeoutMs, () => this.close('idle-timeout', false));
    }
    // Reported once, whether Node's 'close' comes or the close wait runs out first.
    this.finishClosed = () => {
      if (this.finished) return;
      this.finished = true;
      options.reader.detach();
      clearTimeout(this.graceTimer);
      clearTimeout(this.closeLimitTimer);
      this.state = 'closed';
      this.closeReason = this.decideReason();
      const error = this.closeReason === 'error' || this.closeReason === 'reset' ? this.lastError : undefined;
      options.onClosed(this, this.closeReason, error);
      resolveClosed();
    };
    socket.on('close', this.finishClosed);
  }

  /** Our FIN is queued or sent (Disconnect, Half-close, or Node ending it after the peer's FIN). */
  private get finPending(): boolean {
    return this.socket.writableEnded;
  }

  /** Whoever waits on `closed` from here on waits at most CLOSE_WAIT_LIMIT_MS. */
  private limitCloseWait(): Promise<void> {
    if (!this.finished && !this.closeLimitTimer) {
      this.closeLimitTimer = setTimeout(() => {
        this.socket.destroy();
        this.finishClosed();
      }, CLOSE_WAIT_LIMIT_MS);
      this.closeLimitTimer.unref();
    }
    return this.closed;
  }

  private decideReason(): CloseReason {
    if (this.requestedReason) return this.requestedReason;
    if (this.lastError?.code === 'ECONNRESET' || this.lastError?.code === 'EPIPE') return 'reset';
    if (this.lastError) return 'error';
    return 'peer-closed';
  }

  /**
   * Its info if anything a periodic report shows changed since the last one: counters, state, or a rate
   * still falling back to zero. A new idle connection has nothing to add to its `connection.opened`.
   */
  reportIfChanged(): ConnectionInfo | undefined {
    const reported = this.reported;
    if (this.meter.version === reported.version && !reported.active && this.state === reported.state) return undefined;
    const info = this.info();
    reported.version = this.meter.version;
    reported.active = info.counters.rateIn > 0 || info.counters.rateOut > 0;
    reported.state = info.state;
    return info;
  }

  info(): ConnectionInfo {
    return {
      connectionId: this.id,
      sessionId: this.session.id,
      peer: this.peer,
      local: this.local,
      connectedAt: this.connectedAt,
      state: this.state,
      counters: this.meter.snapshot(),
      closeReason: this.closeReason,
    };
  }

  /**
   * Send a received read straight back; recorded as tx once the kernel has it, like any send. The read's
   * memory is reused by the next read, so what is echoed is a copy the socket may keep until it is sent.
   */
  private echo(read: Uint8Array, stamp: { wallUs: number; monoUs: number }): void {
    const socket = this.socket;
    if (!socket.writable) return;
    if (socket.writableLength + read.byteLength > ECHO_MAX_UNREAD_BYTES) {
      this.echoing = false;
      this.session.reportError(
        keyedError('E_ECHO_STOPPED', 'echo-stopped', { peer: this.peer, mib: ECHO_MAX_UNREAD_BYTES / (1024 * 1024) }),
        this.id,
      );
      return;
    }
    const chunk = Buffer.from(read);
    socket.write(chunk, (err) => {
      if (err) return;
      // Recorded in the same pieces as the read it answers (one per MAX_READ_RECORD_BYTES).
      for (let from = 0; from < chunk.byteLength; from += MAX_READ_RECORD_BYTES)
        this.session.record(
          this.id,
          'tx',
          this.peer,
          chunk.subarray(from, from + MAX_READ_RECORD_BYTES),
          stamp,
          this.meter,
        );
    });
  }

  /** The capture file cannot keep up: stop (or start again) taking data from the kernel. */
  setReadingPaused(paused: boolean): void {
    if (this.socket.destroyed) return;
    if (paused) this.socket.pause();
    else this.socket.resume();
  }

  get writable(): boolean {
    return !this.socket.destroyed && this.socket.writable;
  }

  /** Write and record exactly what went out; resolves once the kernel has taken the bytes. */
  write(bytes: Uint8Array, encoding?: Encoding): Promise<Result<SendResult>> {
    if (!this.writable) {
      return Promise.resolve(
        this.state === 'half-closed-by-us'
          ? failWith('ERR_SOCKET_CLOSED', 'fin-already-sent')
          : failWith('ERR_SOCKET_CLOSED', 'connection-closed', { peer: this.peer }),
      );
    }
    const stamp = nowStamp();
    return new Promise((resolve) => {
      this.socket.write(bytes, (err) => {
        if (err) {
          resolve({ ok: false, error: explainError(err, { op: 'write', protocol: 'TCP' }) });
          return;
        }
        const seq = this.session.record(this.id, 'tx', this.peer, bytes, stamp, this.meter, encoding);
        resolve(ok({ bytes: bytes.byteLength, destinations: 1, seqs: [seq] }));
      });
    });
  }

  /** Send FIN and keep reading. */
  halfClose(): void {
    if (this.socket.destroyed || this.state === 'half-closed-by-us') return;
    this.state = this.peerFinished ? 'closed' : 'half-closed-by-us';
    this.socket.end();
    this.session.emitHalfClosed(this.id, 'us');
  }

  /**
   * Close with FIN (or RST when `reset`), remembering why for the close event. Once our FIN is on its way
   * an RST is no longer possible (the system refuses it while a shutdown is pending, and Node then never
   * closes the socket), so a reset after Disconnect or Half-close closes the socket at once instead.
   */
  close(reason: CloseReason, reset: boolean): Promise<void> {
    if (this.socket.destroyed) return this.limitCloseWait();
    this.requestedReason ??= reason;
    if (reset && !this.finPending) {
      this.socket.resetAndDestroy();
    } else if (reset) {
      this.socket.destroy();
    } else {
      this.socket.end();
      clearTimeout(this.graceTimer);
      this.graceTimer = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS);
      this.graceTimer.unref();
    }
    return this.limitCloseWait();
  }

  /** Close at once; used when a session stops. */
  destroy(reason: CloseReason): Promise<void> {
    this.requestedReason ??= reason;
    this.socket.destroy();
    return this.limitCloseWait();
  }
}
