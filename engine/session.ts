import type {
  CaptureFileFormat,
  CaptureFileInfo,
  CaptureRecord,
  CloseReason,
  ConnectionInfo,
  Direction,
  EngineEvent,
  SendResult,
  SendTarget,
  SessionConfig,
  SessionInfo,
  SessionState,
} from '../shared/contract';
import type { EventEmitter } from 'node:events';
import type { RxMessage } from '../shared/contract/messages';
import { fail, ok, type Result, type SockpitError } from '../shared/result';
import { CaptureStore, nowStamp } from './capture';
import { CaptureFileSink } from './capture-file';
import { Meter } from './stats';
import type { TcpConnection } from './tcp-connection';

/** What a session needs from the engine that owns it. */
export interface SessionOwner {
  emit(event: EngineEvent): void;
  /** The session's capture now holds records up to `nextSeq - 1`: readers may fetch them. */
  recordsAdded(sessionId: string, nextSeq: number): void;
  nextConnectionId(): string;
}

/**
 * The part every kind of session shares: identity, state, the capture store and the meters.
 * Subclasses own the sockets.
 */
export abstract class Session<C extends SessionConfig = SessionConfig> {
  state: SessionState = 'idle';
  error?: SockpitError;
  local?: string;
  readonly capture: CaptureStore;
  readonly meter = new Meter();
  accepted = 0;
  refused = 0;
  /** The capture file; kept after it closes so its final state stays visible. */
  captureFile?: CaptureFileSink;
  private captureFileOpening = false;
  /** The capture file asked us to stop reading until the disk catches up; new connections start paused too. */
  readingPaused = false;
  private readonly messageListeners = new Set<(message: RxMessage) => void>();

  constructor(
    readonly id: string,
    public name: string,
    public config: C,
    protected readonly owner: SessionOwner,
  ) {
    this.capture = new CaptureStore(id, config.captureCapBytes);
  }

  get running(): boolean {
    return this.state !== 'idle' && this.state !== 'failed';
  }

  abstract start(): Promise<Result<void>>;
  /** Close every socket; resolves when they are closed. */
  abstract stop(): Promise<void>;
  abstract send(bytes: Uint8Array, target: SendTarget | undefined): Promise<Result<SendResult>>;
  abstract connections(): ConnectionInfo[];

  closeConnections(_ids: string[] | undefined, _reset: boolean): Result<{ closed: number }> {
    return fail('E_STATE', `A ${this.config.kind} session has no connections to close.`);
  }

  halfClose(_connectionId: string | undefined): Result<{ connectionId: string }> {
    return fail('E_STATE', `Half-close applies to TCP connections; this is a ${this.config.kind} session.`);
  }

  /** Zero the session's counters and every live connection's. */
  resetCounters(): void {
    this.meter.reset();
    this.accepted = 0;
    this.refused = 0;
    for (const meter of this.connectionMeters()) meter.reset();
  }

  protected connectionMeters(): Meter[] {
    return [];
  }

  /** The TCP connections whose reading the capture file may pause. */
  /** For the periodic report: the live connections whose counters or state changed since the last one. */
  changedConnections(): ConnectionInfo[] {
    const changed: ConnectionInfo[] = [];
    for (const connection of this.tcpConnections()) {
      const info = connection.reportIfChanged();
      if (info) changed.push(info);
    }
    return changed;
  }

  protected tcpConnections(): TcpConnection[] {
    return [];
  }

  private setReadingPaused(paused: boolean): void {
    this.readingPaused = paused;
    for (const connection of this.tcpConnections()) connection.setReadingPaused(paused);
  }

  async startCaptureFile(path: string, format: CaptureFileFormat, append: boolean): Promise<Result<CaptureFileInfo>> {
    if (this.captureFileOpening || this.captureFile?.active) {
      const current = this.captureFile?.active ? ` to ${this.captureFile.info().path}` : '';
      return fail('E_STATE', `This session is already saving${current}.`, {
        hint: 'Stop saving first, then start again with the new file.',
      });
    }
    this.captureFileOpening = true;
    try {
      const opened = await CaptureFileSink.open({
        path,
        format,
        append,
        canPauseReading: this.config.kind !== 'udp',
        onPressure: (paused) => this.setReadingPaused(paused),
        onChange: () => this.emitInfo(),
        onError: (error) => this.reportError(error),
      });
      if (!opened.ok) return opened;
      this.captureFile = opened.value;
    } finally {
      this.captureFileOpening = false;
    }
    this.emitInfo();
    return ok(this.captureFile.info());
  }

  /** Writes what is still waiting and closes the file; resolves with its final state. */
  async stopCaptureFile(): Promise<Result<CaptureFileInfo>> {
    const sink = this.captureFile;
    if (!sink?.active) return fail('E_STATE', 'This session is not saving to a file.');
    const info = await sink.close();
    this.emitInfo();
    return ok(info);
  }

  /** Stop the sockets, then close the capture file, so it holds everything received up to the stop. */
  async stopAndSave(): Promise<void> {
    await this.stop();
    if (this.captureFile?.active) await this.stopCaptureFile();
  }

  remoteText(): string | undefined {
    return undefined;
  }

  extraInfo(): Partial<SessionInfo> {
    return {};
  }

  info(): SessionInfo {
    return {
      sessionId: this.id,
      name: this.name,
      config: this.config,
      state: this.state,
      local: this.local,
      remote: this.remoteText(),
      error: this.error,
      ...this.extraInfo(),
      ...(this.captureFile ? { captureFile: this.captureFile.info() } : {}),
    };
  }

  protected emitInfo(): void {
    this.owner.emit({ type: 'session.state', session: this.info() });
  }

  protected setState(state: SessionState, error?: SockpitError): void {
    this.state = state;
    this.error = error;
    this.owner.emit({ type: 'session.state', session: this.info() });
  }

  reportError(error: SockpitError, connectionId?: string): void {
    this.owner.emit({ type: 'error', sessionId: this.id, connectionId, error });
  }

  /**
   * The one place a chunk or datagram becomes a record. Hot path: no decoding, no formatting. Records
   * leave the engine one way only: readers hear "records up to seq N" and fetch them from the capture.
   */
  record(
    connectionId: string | null,
    dir: Direction,
    peer: string,
    bytes: Uint8Array,
    stamp = nowStamp(),
    meter: Meter = this.meter,
  ): CaptureRecord {
    const record = this.capture.append({ connectionId, dir, peer, bytes, wallUs: stamp.wallUs, monoUs: stamp.monoUs });
    // A connection's meter has the session's as its parent, so one add counts in both.
    if (dir === 'rx') meter.addIn(bytes.byteLength);
    else meter.addOut(bytes.byteLength);
    this.captureFile?.append(record);
    this.owner.recordsAdded(this.id, record.seq + 1);
    if (dir === 'rx' && this.messageListeners.size > 0) {
      // Until framing lands, each read (TCP chunk, UDP datagram) is one message.
      const message: RxMessage = {
        sessionId: this.id,
        connectionId,
        peer,
        bytes,
        wallUs: record.wallUs,
        monoUs: record.monoUs,
        firstSeq: record.seq,
        lastSeq: record.seq,
      };
      for (const listener of this.messageListeners) {
        try {
          listener(message);
        } catch {
          // A broken listener must not take the socket that is reading down with it.
        }
      }
    }
    return record;
  }

  /**
   * Send to where a received message came from: its TCP connection, or the UDP host and port. A peer
   * that has gone away is an error result, never a throw.
   */
  reply(connectionId: string | null, peer: string, bytes: Uint8Array): Promise<Result<SendResult>> {
    if (connectionId === null) {
      const endpoint = /^\[?(.*?)\]?:(\d+)$/.exec(peer);
      if (!endpoint) return Promise.resolve(fail('E_INTERNAL', `Cannot read the address of ${peer}.`));
      return this.send(bytes, { to: 'peer', host: endpoint[1], port: Number(endpoint[2]) });
    }
    const connection = this.connectionById(connectionId);
    if (!connection) return Promise.resolve(fail('ERR_SOCKET_CLOSED', `The connection to ${peer} is closed.`));
    return connection.write(bytes);
  }

  protected connectionById(connectionId: string): TcpConnection | undefined {
    return this.tcpConnections().find((connection) => connection.id === connectionId);
  }

  /** UDP: the datagram came from this session's own socket (answering it would answer ourselves). */
  sentToItself(_peer: string): boolean {
    return false;
  }

  /** Hear every received message of this session; returns the function that stops listening. */
  onMessage(listener: (m: RxMessage) => void): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  emitHalfClosed(connectionId: string, by: 'peer' | 'us'): void {
    this.owner.emit({ type: 'connection.halfClosed', sessionId: this.id, connectionId, by });
  }

  emitClosed(connection: ConnectionInfo, reason: CloseReason, error?: SockpitError): void {
    this.owner.emit({ type: 'connection.closed', connection, reason, error });
  }
}

/**
 * Start listening (TCP) or binding (UDP) and wait for the outcome: `listening`, or the first `error`
 * explained in plain words. The one-shot error listener is removed either way, so the caller must
 * attach its own lasting one before the socket can emit again.
 */
export function whenListening(
  target: EventEmitter,
  begin: () => void,
  explain: (err: Error) => Promise<SockpitError>,
): Promise<Result<void>> {
  return new Promise((resolve) => {
    const onError = async (err: Error) => {
      target.off('listening', onListening);
      resolve({ ok: false, error: await explain(err) });
    };
    const onListening = () => {
      target.off('error', onError);
      resolve(ok(undefined));
    };
    target.once('error', onError);
    target.once('listening', onListening);
    begin();
  });
}
