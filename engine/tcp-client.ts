import { Socket } from 'node:net';
import type { Encoding } from '../shared/codec/options';
import type {
  CloseReason,
  ConnectionInfo,
  ExchangeInfo,
  SendOptions,
  SendResult,
  SendTarget,
  TcpClientConfig,
} from '../shared/contract';
import { ok, type Result, type SockpitError } from '../shared/result';
import { nowStamp } from './capture';
import { explainError, formatEndpoint } from './errors';
import { Session } from './session';
import type { Meter } from './stats';
import { TcpConnection } from './tcp-connection';
import { socketOptions, SocketReader } from './tcp-read';

/** A connected socket and the reader it reads through. */
interface OpenedSocket {
  socket: Socket;
  reader: SocketReader;
}
import { failWith } from '../shared/errors/word';

/**
 * A TCP client. Long mode keeps one connection (reconnecting if asked); short mode opens a fresh
 * connection for every send and collects the reply as one exchange.
 */
export class TcpClientSession extends Session<TcpClientConfig> {
  private connection?: TcpConnection;
  private connecting?: Socket;
  private reconnectTimer?: NodeJS.Timeout;
  private attempts = 0;
  private stopping = false;
  /** The user closed the connection by hand: do not auto-reconnect until the next start. */
  private disconnectedByUser = false;
  private exchangeCount = 0;
  private exchangeQueue: Promise<void> = Promise.resolve();
  private readonly exchangeConnections = new Set<TcpConnection>();

  /** The long-mode connection while it is open, for a file send. */
  get openConnection(): TcpConnection | undefined {
    return this.connection;
  }

  remoteText(): string {
    return formatEndpoint(this.config.host, this.config.port);
  }

  async start(): Promise<Result<void>> {
    if (this.running) return failWith('E_STATE', 'already-running', { what: 'client', state: this.state });
    this.stopping = false;
    this.disconnectedByUser = false;
    this.attempts = 0;
    if (this.config.mode === 'short') {
      this.setState('ready');
      return ok(undefined);
    }
    return this.connectLong();
  }

  /** Connect one socket, enforcing our own connect timeout (the OS one can be minutes). */
  private openSocket(): Promise<Result<OpenedSocket>> {
    const {
      host,
      port,
      localHost,
      localPort,
      connectTimeoutMs,
      keepAlive,
      keepAliveInitialDelayMs,
      noDelay,
      allowHalfOpen,
    } = this.config;
    const reader = new SocketReader();
    const socket = new Socket(socketOptions(reader, allowHalfOpen));
    // Every error must have a listener from the first moment on; the real handling is below.
    socket.on('error', () => {});
    this.connecting = socket;
    return new Promise((resolve) => {
      const finish = (result: Result<OpenedSocket>) => {
        clearTimeout(timer);
        socket.off('error', onError);
        socket.off('connect', onConnect);
        if (this.connecting === socket) this.connecting = undefined;
        resolve(result);
      };
      const onError = (err: Error) =>
        finish({ ok: false, error: explainError(err, { op: 'connect', host, port, protocol: 'TCP' }) });
      const onConnect = () => {
        socket.setNoDelay(noDelay);
        if (keepAlive) socket.setKeepAlive(true, keepAliveInitialDelayMs);
        finish(ok({ socket, reader }));
      };
      const timer = setTimeout(() => {
        socket.destroy();
        const timeout = Object.assign(new Error(`connect ETIMEDOUT ${host}:${port}`), {
          code: 'ETIMEDOUT',
          syscall: 'connect',
        });
        finish({
          ok: false,
          error: explainError(timeout, { op: 'connect', host, port, protocol: 'TCP', timeoutMs: connectTimeoutMs }),
        });
      }, connectTimeoutMs);
      socket.once('error', onError);
      socket.once('connect', onConnect);
      socket.connect({ host, port, localAddress: localHost, localPort });
    });
  }

  private async connectLong(): Promise<Result<void>> {
    this.setState(this.attempts > 0 ? 'reconnecting' : 'connecting', this.error);
    const opened = await this.openSocket();
    if (this.stopping) {
      if (opened.ok) opened.value.socket.destroy();
      return failWith('E_STATE', 'stopped-while-connecting');
    }
    if (!opened.ok) {
      this.reportError(opened.error);
      // With auto-reconnect the session keeps running and says why the last attempt failed.
      if (this.scheduleReconnect(opened.error)) return ok(undefined);
      this.setState('failed', opened.error);
      return opened;
    }
    this.attempts = 0;
    const connection = new TcpConnection(this.owner.nextConnectionId(), opened.value.socket, this, {
      allowHalfOpen: this.config.allowHalfOpen,
      reader: opened.value.reader,
      onClosed: (closed, reason, error) => {
        if (this.connection === closed) this.connection = undefined;
        this.emitClosed(closed.info(), reason, error);
        if (this.stopping) return;
        if (this.disconnectedByUser || !this.scheduleReconnect(error)) this.setState('idle', error);
      },
    });
    this.connection = connection;
    this.local = connection.local;
    this.owner.emit({ type: 'connection.opened', connection: connection.info(), ...nowStamp() });
    this.setState('connected');
    return ok(undefined);
  }

  private scheduleReconnect(error: SockpitError | undefined): boolean {
    const policy = this.config.reconnect;
    if (!policy || this.stopping) return false;
    if (policy.maxAttempts > 0 && this.attempts >= policy.maxAttempts) return false;
    this.attempts++;
    this.setState('reconnecting', error);
    this.reconnectTimer = setTimeout(() => void this.connectLong(), policy.intervalMs);
    return true;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.reconnectTimer);
    this.connecting?.destroy();
    const closing: Promise<void>[] = [];
    if (this.connection) closing.push(this.connection.close('local-closed', false));
    for (const exchange of this.exchangeConnections) closing.push(exchange.destroy('local-closed'));
    await Promise.all(closing);
    if (this.state !== 'idle') this.setState('idle');
  }

  async send(bytes: Uint8Array, target: SendTarget | undefined, options?: SendOptions): Promise<Result<SendResult>> {
    if (target) return failWith('E_VALIDATION', 'client-target');
    if (this.config.mode === 'short') {
      if (this.state !== 'ready' && this.state !== 'connected') return failWith('E_STATE', 'client-not-started');
      return this.queueExchange(bytes, options?.encoding);
    }
    if (!this.connection) {
      const key = this.state === 'reconnecting' ? 'client-reconnecting' : 'client-not-connected';
      return failWith('E_STATE', key, { remote: this.remoteText() });
    }
    return this.connection.write(bytes, options?.encoding);
  }

  /** Short mode: exchanges run one after another; the send resolves once its bytes are written. */
  private queueExchange(bytes: Uint8Array, encoding: Encoding | undefined): Promise<Result<SendResult>> {
    return new Promise((resolveSent) => {
      // A failed exchange must not stall the ones queued behind it.
      this.exchangeQueue = this.exchangeQueue
        .then(() => this.exchange(bytes, encoding, resolveSent))
        .catch((err) =>
          resolveSent(
            failWith('E_INTERNAL', 'exchange-failed', { detail: err instanceof Error ? err.message : String(err) }),
          ),
        );
    });
  }

  private async exchange(
    bytes: Uint8Array,
    encoding: Encoding | undefined,
    reportSent: (result: Result<SendResult>) => void,
  ): Promise<void> {
    const exchangeId = ++this.exchangeCount;
    const startedAt = Date.now();
    const started = performance.now();
    const finish = (info: Omit<ExchangeInfo, 'exchangeId' | 'startedAt' | 'durationMs'>) => {
      this.owner.emit({
        type: 'exchange',
        sessionId: this.id,
        exchange: { exchangeId, startedAt, durationMs: Math.round(performance.now() - started), ...info },
      });
      if (!this.stopping && this.running) this.setState('ready');
    };
    if (this.stopping) {
      reportSent(failWith('E_STATE', 'session-stopped'));
      return;
    }
    this.setState('connecting');
    const opened = await this.openSocket();
    if (!opened.ok) {
      reportSent(opened);
      this.reportError(opened.error);
      finish({ connectionId: null, bytesSent: 0, bytesReceived: 0, end: 'error', error: opened.error });
      return;
    }
    const { shortIdleMs, shortTimeoutMs } = this.config;
    let end: ExchangeInfo['end'] | undefined;
    let idleTimer: NodeJS.Timeout | undefined;
    const closeFor = (why: ExchangeInfo['end']) => {
      end ??= why;
      void connection.close('local-closed', false);
    };
    const connection: TcpConnection = new TcpConnection(this.owner.nextConnectionId(), opened.value.socket, this, {
      allowHalfOpen: this.config.allowHalfOpen,
      reader: opened.value.reader,
      // The reply counts as complete once the line stays quiet for shortIdleMs after its first byte.
      onData: () => {
        clearTimeout(idleTimer);
        idleTimer = setTimeout(() => closeFor('idle'), shortIdleMs);
      },
      onClosed: (closed, reason: CloseReason, error) => {
        clearTimeout(idleTimer);
        clearTimeout(overall);
        this.exchangeConnections.delete(closed);
        this.emitClosed(closed.info(), reason, error);
        const counters = closed.meter.snapshot();
        const fromReason: ExchangeInfo['end'] =
          reason === 'reset'
            ? 'reset'
            : reason === 'error'
              ? 'error'
              : reason === 'peer-closed'
                ? 'peer-closed'
                : 'stopped';
        finish({
          connectionId: closed.id,
          bytesSent: counters.bytesOut,
          bytesReceived: counters.bytesIn,
          end: end ?? fromReason,
          error,
        });
      },
    });
    const overall = setTimeout(() => closeFor('timeout'), shortTimeoutMs);
    this.exchangeConnections.add(connection);
    this.local = connection.local;
    this.owner.emit({ type: 'connection.opened', connection: connection.info(), ...nowStamp() });
    this.setState('connected');
    reportSent(await connection.write(bytes, encoding));
    await connection.closed;
  }

  halfClose(connectionId: string | undefined): Result<{ connectionId: string }> {
    const connection = this.connection;
    if (!connection || (connectionId && connection.id !== connectionId)) {
      return failWith('E_STATE', 'nothing-to-half-close');
    }
    connection.halfClose();
    return ok({ connectionId: connection.id });
  }

  closeConnections(ids: string[] | undefined, reset: boolean): Result<{ closed: number }> {
    const all = this.liveConnections();
    const chosen = ids ? all.filter((c) => ids.includes(c.id)) : all;
    if (this.connection && chosen.includes(this.connection)) this.disconnectedByUser = true;
    for (const connection of chosen) void connection.close('local-closed', reset);
    return ok({ closed: chosen.length });
  }

  private liveConnections(): TcpConnection[] {
    return [...(this.connection ? [this.connection] : []), ...this.exchangeConnections];
  }

  protected connectionMeters(): Meter[] {
    return this.liveConnections().map((c) => c.meter);
  }

  protected tcpConnections(): TcpConnection[] {
    return this.liveConnections();
  }

  connections(): ConnectionInfo[] {
    return this.liveConnections().map((c) => c.info());
  }
}
