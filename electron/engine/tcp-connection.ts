import type { Socket } from 'node:net';
import type { CloseReason, ConnectionInfo, SendResult } from '../../shared/contract';
import { fail, ok, type Result, type SockpitError } from '../../shared/result';
import { nowStamp } from './capture';
import { explainError, formatEndpoint } from './errors';
import type { Session } from './session';
import { Meter } from './stats';

/** How long a connection we asked to close politely (FIN) may linger before we destroy it. */
const CLOSE_GRACE_MS = 1500;

export interface TcpConnectionOptions {
  allowHalfOpen: boolean;
  idleTimeoutMs?: number;
  /** Called after each received chunk is recorded (short-mode exchanges watch for the reply). */
  onData?(chunk: Uint8Array): void;
  onClosed(connection: TcpConnection, reason: CloseReason, error?: SockpitError): void;
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
  /** Resolves once the socket is fully closed. */
  readonly closed: Promise<void>;

  constructor(
    readonly id: string,
    readonly socket: Socket,
    private readonly session: Session,
    options: TcpConnectionOptions,
  ) {
    this.meter = new Meter({ parent: session.meter });
    this.peer = formatEndpoint(socket.remoteAddress ?? '?', socket.remotePort ?? 0);
    this.local = formatEndpoint(socket.localAddress ?? '?', socket.localPort ?? 0);
    let resolveClosed!: () => void;
    this.closed = new Promise((resolve) => (resolveClosed = resolve));

    socket.on('data', (chunk: Buffer) => {
      session.record(id, 'rx', this.peer, chunk, undefined, this.meter);
      options.onData?.(chunk);
    });
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
    socket.on('close', () => {
      clearTimeout(this.graceTimer);
      this.state = 'closed';
      this.closeReason = this.decideReason();
      const error = this.closeReason === 'error' || this.closeReason === 'reset' ? this.lastError : undefined;
      options.onClosed(this, this.closeReason, error);
      resolveClosed();
    });
  }

  private decideReason(): CloseReason {
    if (this.requestedReason) return this.requestedReason;
    if (this.lastError?.code === 'ECONNRESET' || this.lastError?.code === 'EPIPE') return 'reset';
    if (this.lastError) return 'error';
    return 'peer-closed';
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

  get writable(): boolean {
    return !this.socket.destroyed && this.socket.writable;
  }

  /** Write and record exactly what went out; resolves once the kernel has taken the bytes. */
  write(bytes: Uint8Array): Promise<Result<SendResult>> {
    if (!this.writable) {
      const why =
        this.state === 'half-closed-by-us'
          ? 'We already sent FIN on this connection; it can no longer send.'
          : `The connection to ${this.peer} is closed.`;
      return Promise.resolve(fail('ERR_SOCKET_CLOSED', why, { hint: 'Connect again to send.' }));
    }
    const stamp = nowStamp();
    return new Promise((resolve) => {
      this.socket.write(bytes, (err) => {
        if (err) {
          resolve({ ok: false, error: explainError(err, { op: 'write', protocol: 'TCP' }) });
          return;
        }
        const record = this.session.record(this.id, 'tx', this.peer, bytes, stamp, this.meter);
        resolve(ok({ bytes: bytes.byteLength, destinations: 1, seqs: [record.seq] }));
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

  /** Close with FIN (or RST when `reset`), remembering why for the close event. */
  close(reason: CloseReason, reset: boolean): Promise<void> {
    if (this.socket.destroyed) return this.closed;
    this.requestedReason ??= reason;
    if (reset) {
      this.socket.resetAndDestroy();
    } else {
      this.socket.end();
      this.graceTimer = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS);
      this.graceTimer.unref();
    }
    return this.closed;
  }

  /** Close at once; used when a session stops. */
  destroy(reason: CloseReason): Promise<void> {
    this.requestedReason ??= reason;
    this.socket.destroy();
    return this.closed;
  }
}
