import type {
  CaptureFileFormat,
  CaptureFileInfo,
  CloseReason,
  ConnectionInfo,
  Direction,
  EngineEvent,
  FramingSpec,
  SendOptions,
  SendResult,
  SendTarget,
  SessionConfig,
  SessionInfo,
  SessionState,
} from '../shared/contract';
import type { EventEmitter } from 'node:events';
import type { Encoding } from '../shared/codec/options';
import { ok, type Result, type SockpitError } from '../shared/result';
import { CaptureStore, MAX_READ_RECORD_BYTES, nowStamp, stampInto, type CaptureFields, type ReadArea } from './capture';
import { CaptureFileSink } from './capture-file';
import { SessionMessages, type MessageListener } from './messages';
import { Meter } from './stats';
import type { TcpConnection } from './tcp-connection';
import { failWith, keyedError } from '../shared/errors/word';

const NO_BYTES = new Uint8Array(0);

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
  /** Received messages for listeners (engine/messages.ts); absent while nobody listens, so reads cost nothing. */
  private messages?: SessionMessages;
  /** Filled afresh by every `record` and emptied before it calls out, so a nested `record` may use it too. */
  private readonly recordFields: CaptureFields = {
    connectionId: null,
    dir: 'rx',
    peer: '',
    bytes: NO_BYTES,
    wallUs: 0,
    monoUs: 0,
    encoding: undefined,
  };

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
  /** `options.encoding`: the bytes are text in this encoding (see `sendOptionsFor`); the tx records keep it. */
  abstract send(bytes: Uint8Array, target: SendTarget | undefined, options?: SendOptions): Promise<Result<SendResult>>;
  abstract connections(): ConnectionInfo[];

  closeConnections(_ids: string[] | undefined, _reset: boolean): Result<{ closed: number }> {
    return failWith('E_STATE', 'no-connections-to-close', { kind: this.config.kind });
  }

  halfClose(_connectionId: string | undefined): Result<{ connectionId: string }> {
    return failWith('E_STATE', 'half-close-tcp-only', { kind: this.config.kind });
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
      const path = this.captureFile?.active ? this.captureFile.info().path : undefined;
      return failWith('E_STATE', 'already-saving', path ? { path } : {});
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
    if (!sink?.active) return failWith('E_STATE', 'not-saving');
    const info = await sink.close();
    this.emitInfo();
    return ok(info);
  }

  /** Stop the sockets, then close the capture file, so it holds everything received up to the stop. */
  async stopAndSave(): Promise<void> {
    await this.stop();
    this.messages?.flushAll();
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
   * The one place a chunk or datagram becomes a record; returns its seq. Hot path: no decoding, no formatting, and no
   * object of its own unless a capture file or a message listener wants the record. At 100k datagrams/s each object per
   * datagram is young garbage, and the young collections it brings cost more than the object. Records leave the engine
   * one way only: readers hear "records up to seq N" and fetch them from the capture.
   */
  record(
    connectionId: string | null,
    dir: Direction,
    peer: string,
    bytes: Uint8Array,
    stamp?: { wallUs: number; monoUs: number },
    meter: Meter = this.meter,
    encoding?: Encoding,
  ): number {
    const fields = this.recordFields;
    fields.connectionId = connectionId;
    fields.dir = dir;
    fields.peer = peer;
    fields.bytes = bytes;
    fields.encoding = encoding;
    if (stamp) {
      fields.wallUs = stamp.wallUs;
      fields.monoUs = stamp.monoUs;
    } else {
      stampInto(fields);
    }
    const size = bytes.byteLength;
    const seq = this.capture.appendFields(fields, size);
    const monoMs = fields.monoUs / 1000;
    const file = this.captureFile;
    const messages = dir === 'rx' ? this.messages : undefined;
    const record = file || messages ? this.capture.recordOf(seq, fields) : undefined;
    // Let go of the bytes before anyone else runs: listeners below may record again, and a datagram must die young.
    fields.bytes = NO_BYTES;
    // A connection's meter has the session's as its parent, so one add counts in both.
    if (dir === 'rx') meter.addIn(size, monoMs);
    else meter.addOut(size, monoMs);
    if (record) file?.append(record);
    this.owner.recordsAdded(this.id, seq + 1);
    if (record && messages) messages.received(record, bytes);
    return seq;
  }

  /**
   * One TCP read (engine/tcp-read.ts): with `area`, the bytes were read straight into this session's capture
   * and become records where they lie (one per MAX_READ_RECORD_BYTES); without, `bytes` is a shared read
   * buffer and is copied in. Either way `bytes` is only valid during the call, so the capture file, which may
   * hold a payload until the disk takes it, gets a copy.
   */
  recordRead(
    connectionId: string,
    peer: string,
    bytes: Uint8Array,
    stamp: { wallUs: number; monoUs: number },
    meter: Meter,
    area: ReadArea | undefined,
  ): void {
    const fields = {
      connectionId,
      dir: 'rx' as const,
      peer,
      bytes,
      wallUs: stamp.wallUs,
      monoUs: stamp.monoUs,
      encoding: undefined,
    };
    if (area?.store !== this.capture) {
      meter.addIn(bytes.byteLength);
      this.recordPart(this.capture.appendCopy(fields), fields);
      return;
    }
    for (let from = 0; from < bytes.byteLength; from += MAX_READ_RECORD_BYTES) {
      const part = { ...fields, bytes: bytes.subarray(from, from + MAX_READ_RECORD_BYTES) };
      // Counted per record, as every other record is: packets in = rx records.
      meter.addIn(part.bytes.byteLength);
      this.recordPart(this.capture.commitRead(area, part), part);
    }
    this.capture.finishRead(area, bytes.byteLength);
  }

  /** What `record` does after the append, for one record of a read (its bytes valid only during the call). */
  private recordPart(seq: number, fields: CaptureFields): void {
    const file = this.captureFile;
    if (file?.active)
      file.append(this.capture.recordOf(seq, { ...fields, bytes: Uint8Array.prototype.slice.call(fields.bytes) }));
    this.owner.recordsAdded(this.id, seq + 1);
    if (this.messages) this.messages.received(this.capture.recordOf(seq, fields), fields.bytes);
  }

  /**
   * Hear every received message as the session's framing cuts it (per read unless `config.framing` says
   * otherwise), from the next read on; returns the function that stops listening. A message's bytes may be a
   * view into the received chunk: copy what you keep.
   */
  onMessage(listener: MessageListener): () => void {
    const messages = (this.messages ??= new SessionMessages(this));
    messages.add(listener);
    return () => {
      messages.delete(listener);
      if (messages.size === 0 && this.messages === messages) {
        messages.stopIdleTimer();
        this.messages = undefined;
      }
    };
  }

  /**
   * Change how received bytes are cut into messages; allowed while running. Partial messages cut the old way
   * come out first (marked incomplete), then the new framing applies from the next read.
   */
  setFraming(framing: FramingSpec): void {
    this.messages?.flushAll();
    this.config = { ...this.config, framing };
    this.emitInfo();
  }

  /** The session's settings were replaced (session.update): framers start over with the new framing. */
  framingReplaced(): void {
    this.messages?.flushAll();
  }

  reportListenerError(err: unknown): void {
    this.reportError(
      keyedError('E_INTERNAL', 'listener-failed', { detail: err instanceof Error ? err.message : String(err) }),
    );
  }

  /**
   * Send to where a received message came from: its TCP connection, or the UDP host and port. A peer
   * that has gone away is an error result, never a throw.
   */
  reply(
    connectionId: string | null,
    peer: string,
    bytes: Uint8Array,
    options: SendOptions = {},
  ): Promise<Result<SendResult>> {
    if (connectionId === null) {
      const endpoint = /^\[?(.*?)\]?:(\d+)$/.exec(peer);
      if (!endpoint) return Promise.resolve(failWith('E_INTERNAL', 'peer-address-unreadable', { peer }));
      return this.send(bytes, { to: 'peer', host: endpoint[1], port: Number(endpoint[2]) }, options);
    }
    const connection = this.connectionById(connectionId);
    if (!connection) return Promise.resolve(failWith('ERR_SOCKET_CLOSED', 'connection-closed-plain', { peer }));
    return connection.write(bytes, options.encoding);
  }

  protected connectionById(connectionId: string): TcpConnection | undefined {
    return this.tcpConnections().find((connection) => connection.id === connectionId);
  }

  /** UDP: the datagram came from this session's own socket (answering it would answer ourselves). */
  sentToItself(_peer: string): boolean {
    return false;
  }

  emitHalfClosed(connectionId: string, by: 'peer' | 'us'): void {
    this.owner.emit({ type: 'connection.halfClosed', sessionId: this.id, connectionId, by, ...nowStamp() });
  }

  emitClosed(connection: ConnectionInfo, reason: CloseReason, error?: SockpitError): void {
    // The connection's partial message comes out before the news that it closed.
    this.messages?.connectionClosed(connection.connectionId);
    this.owner.emit({ type: 'connection.closed', connection, reason, error, ...nowStamp() });
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
