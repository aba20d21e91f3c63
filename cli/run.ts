// Drives one session on the engine from a parsed command line to an exit code: creates and starts it,
// sends, answers, prints every event and record, and ends on --count, --timeout, --wait, the peer or a signal.
import { createTextDecoder, type TextDecoderState } from '../shared/codec';
import type {
  CaptureRecord,
  EngineEvent,
  FileSendInfo,
  RxMessage,
  SendJobInfo,
  SendPayloadInput,
  SendTarget,
} from '../shared/contract';
import type { SockpitError } from '../shared/result';
import type { Engine } from '../engine/engine';
import { followRecords } from '../engine/follow-records';
import {
  connectionEvent,
  messageEvent,
  recordEvent,
  errorEvent,
  fileProgressText,
  formatEvent,
  formatFailure,
  nowIso,
  type CliEvent,
} from './output';
import type { CliRun } from './parse';
import type { SendSchedule } from './send-schedule';
import { loadRulesFile } from './rules-file';

export type EngineLike = Pick<Engine, 'run' | 'subscribe' | 'onRecords' | 'onMessage' | 'capture' | 'shutdown'>;

/** What a run needs from the process around it. */
export interface RunIo {
  out(line: string): void;
  err(line: string): void;
  /** Calls `stop` on SIGINT/SIGTERM; returns a function that stops listening. */
  onStopSignal(stop: () => void): () => void;
  /** Rewrites one status line in place (stderr on a terminal); absent where nobody watches. '' clears it. */
  progress?(line: string): void;
}

export class Runner {
  private sessionId?: string;
  private readonly decoders = new Map<string, TextDecoderState>();
  private readonly printedErrors = new Set<string>();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly timers: NodeJS.Timeout[] = [];
  private received = 0;
  private finishing = false;
  private connectionId?: string;
  private resolveConnected?: (connected: boolean) => void;
  private resolveDone!: (code: number) => void;
  private readonly done = new Promise<number>((resolve) => (this.resolveDone = resolve));
  private unsubscribe?: () => void;
  private stopFollowing?: () => void;
  private stopMessages?: () => void;
  /** The engine job pacing --interval / --repeat sends, and who waits for its end. */
  private jobId?: string;
  private resolveJob?: (job: SendJobInfo) => void;
  private readonly finishedJobs = new Map<string, SendJobInfo>();
  /** --send-file: started (its parts are then not printed one by one), and how it ended. */
  private fileStarted = false;
  private fileEnded?: FileSendInfo;
  private resolveFileEnded?: (job: FileSendInfo) => void;

  constructor(
    private readonly options: CliRun,
    private readonly engine: EngineLike,
    private readonly io: RunIo,
  ) {}

  async run(): Promise<number> {
    const { options, engine } = this;
    this.unsubscribe = engine.subscribe((event) => {
      try {
        this.onEvent(event);
      } catch (err) {
        // Throwing into the engine's emitter would hurt the sessions, not just this face.
        this.io.err(`sockpit: internal error: ${(err as Error)?.message ?? String(err)}`);
        void this.finish(1);
      }
    });
    this.stopFollowing = followRecords(engine, {
      onRecord: (record) => {
        if (this.sessionId !== undefined && record.sessionId !== this.sessionId) return;
        // Past the end only our own replies still going out are worth showing.
        if (!this.finishing || record.dir === 'tx') this.onRecord(record);
      },
    });
    const stopSignals = this.io.onStopSignal(() => void this.finish(0));
    try {
      const created = await engine.run(options.create);
      if (!created.ok) return this.abort(created.error);
      this.sessionId = created.value.sessionId;
      if (this.framed) {
        // Received bytes are shown, answered and counted as the framing cuts them, not as they were read.
        this.stopMessages = engine.onMessage(this.sessionId, (message) => {
          if (!this.finishing) this.onMessage(message);
        });
      }
      if (options.rulesFile !== undefined) {
        const rules = await loadRulesFile(options.rulesFile);
        if (!rules.ok) return this.abort(rules.error);
        const applied = await engine.run({ type: 'rules.set', sessionId: this.sessionId, rules: rules.value });
        if (!applied.ok) return this.abort(applied.error);
      }
      if (options.captureFile) {
        // Armed before the start, so the file has the very first byte.
        const saving = await engine.run({
          type: 'capture.file.start',
          sessionId: this.sessionId,
          ...options.captureFile,
        });
        if (!saving.ok) return this.abort(saving.error);
      }
      if (options.timeoutMs !== undefined) this.timers.push(setTimeout(() => void this.finish(0), options.timeoutMs));
      const connected =
        options.mode === 'tcp-client'
          ? new Promise<boolean>((resolve) => (this.resolveConnected = resolve))
          : undefined;
      const started = await engine.run({ type: 'session.start', sessionId: this.sessionId });
      if (!started.ok) return this.abort(started.error);
      if (options.mode === 'tcp-client') {
        if (started.value.state === 'connected') this.onConnected(started.value.remote, started.value.local);
        else if (started.value.state === 'failed') this.fatal(started.value.error);
        if (!(await Promise.race([connected, this.done.then(() => false)]))) return await this.done;
      }
      void this.sendAll();
      return await this.done;
    } finally {
      stopSignals();
    }
  }

  private async abort(error: SockpitError): Promise<number> {
    this.fatal(error, error.code === 'E_VALIDATION' ? 2 : 1);
    return this.done;
  }

  private async sendAll(): Promise<void> {
    const { options } = this;
    if (options.schedule) {
      const ended = await this.sendScheduled(options.schedule);
      if (!ended) return;
    }
    for (const payload of options.schedule ? [] : options.sends) {
      if (this.finishing) return;
      const sent = await this.engine.run({ type: 'send', sessionId: this.sessionId!, payload });
      if (!sent.ok) return this.fatal(sent.error);
    }
    // A server sends its file once a client is there (see connection.opened).
    if (options.sendFile && options.mode !== 'tcp-server' && !(await this.sendFile())) return;
    if (options.waitMs !== undefined) this.timers.push(setTimeout(() => void this.finish(0), options.waitMs));
  }

  /**
   * --interval / --repeat: the engine paces the sends (one item: send.repeat, drift-free; several: a sequence
   * with the interval after each). Resolves true when every send went out, false when the run is over.
   */
  private async sendScheduled(schedule: SendSchedule): Promise<boolean> {
    const { sends } = this.options;
    const sessionId = this.sessionId!;
    const finished = new Promise<SendJobInfo>((resolve) => (this.resolveJob = resolve));
    const started =
      sends.length === 1 && schedule.intervalMs !== undefined
        ? await this.engine.run({
            type: 'send.repeat',
            sessionId,
            payload: sends[0],
            intervalMs: schedule.intervalMs,
            times: schedule.times,
          })
        : await this.engine.run({
            type: 'send.sequence',
            sessionId,
            steps: sends.map((payload) => ({ payload, delayMs: schedule.intervalMs ?? 0 })),
            times: schedule.times,
          });
    if (!started.ok) {
      this.fatal(started.error);
      return false;
    }
    this.jobId = started.value.jobId;
    // A short job can end before its start is answered.
    const job =
      started.value.state === 'finished'
        ? started.value
        : (this.finishedJobs.get(this.jobId) ?? (await Promise.race([finished, this.done.then(() => undefined)])));
    if (!job) return false;
    if (job.end === 'send-failed') {
      this.fatal(job.endError as SockpitError | undefined);
      return false;
    }
    return job.end === 'done';
  }

  /** Sends --send-file and waits for its end; false (having said why and set the exit status) if not all went. */
  private async sendFile(): Promise<boolean> {
    const choice = this.options.sendFile;
    if (!choice || this.fileStarted || this.finishing) return false;
    this.fileStarted = true;
    const ended = new Promise<FileSendInfo>((resolve) => (this.resolveFileEnded = resolve));
    const started = await this.engine.run({
      type: 'file.send.start',
      sessionId: this.sessionId!,
      source: { kind: 'path', path: choice.path },
      pauseMs: choice.pauseMs,
      ...(choice.chunkBytes !== undefined ? { chunkBytes: choice.chunkBytes } : {}),
      ...(this.options.mode === 'tcp-server' ? { target: { to: 'all' as const } } : {}),
    });
    if (!started.ok) {
      this.fileStarted = false;
      this.fatal(started.error);
      return false;
    }
    const job = await Promise.race([ended, this.done.then(() => undefined)]);
    if (job?.state === 'done') return true;
    if (job) this.fatal(job.error ?? { code: 'E_FILE_NOT_SENT', message: job.reason ?? `${job.name} was not sent.` });
    return false;
  }

  private fileEvent(job: FileSendInfo): CliEvent {
    return {
      event: 'file',
      time: nowIso(),
      file: job.name,
      state: job.state,
      total: job.totalBytes,
      sent: job.sentBytes,
      rate: job.bytesPerSecond,
      ...(job.reason ? { message: job.reason } : {}),
    };
  }

  private onFileEvent(job: FileSendInfo, over: boolean): void {
    if (job.sessionId !== this.sessionId) return;
    const event = this.fileEvent(job);
    if (!over) {
      if (this.options.json) this.emit(event);
      else this.io.progress?.(fileProgressText(event));
      return;
    }
    this.io.progress?.('');
    this.fileEnded = job;
    this.emit(event);
    this.resolveFileEnded?.(job);
  }

  private emit(event: CliEvent): void {
    const line = formatEvent(event, this.options);
    if (event.event === 'error' && !this.options.json) this.io.err(line);
    else this.io.out(line);
  }

  /** The engine can report one failure twice (a failed state and an error event): say it once. */
  private reportError(error: SockpitError, time?: string): boolean {
    const key = `${error.code}\u0000${error.message}`;
    if (this.printedErrors.has(key)) return false;
    this.printedErrors.add(key);
    this.emit(errorEvent(error, time));
    return true;
  }

  private fatal(error: SockpitError | undefined, code = 1): void {
    if (this.finishing) return;
    const problem = error ?? { code: 'E_INTERNAL', message: 'The session failed without saying why.' };
    this.reportError(problem);
    // In readable mode the error line already went to stderr; NDJSON consumers read stdout, people read stderr.
    if (this.options.json) this.io.err(formatFailure(problem));
    void this.finish(code);
  }

  private async finish(code: number): Promise<void> {
    if (this.finishing) return;
    this.finishing = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.resolveConnected?.(false);
    // Ending with a file half sent is a failure, whatever ended it (the peer closing, Ctrl-C, --timeout).
    if (this.fileStarted && this.fileEnded?.state !== 'done') code = code || 1;
    // Replies already on their way must reach the wire before the sockets close.
    await Promise.allSettled([...this.pending]);
    try {
      await this.engine.shutdown();
    } catch (err) {
      this.io.err(`sockpit: stopping the engine failed: ${(err as Error).message}`);
      code = code || 1;
    }
    this.unsubscribe?.();
    this.stopFollowing?.();
    this.stopMessages?.();
    this.resolveDone(code);
  }

  private onConnected(remote: string | undefined, local: string | undefined): void {
    if (!this.resolveConnected) return;
    this.emit({
      event: 'connected',
      time: nowIso(),
      peer: remote,
      ...(local ? { local } : {}),
      ...(this.connectionId ? { conn: this.connectionId } : {}),
    });
    this.resolveConnected(true);
    this.resolveConnected = undefined;
  }

  private onEvent(event: EngineEvent): void {
    switch (event.type) {
      case 'session.state': {
        const { session } = event;
        if (this.sessionId !== undefined && session.sessionId !== this.sessionId) return;
        // A capture file that cannot be written is fatal: whoever asked for it relies on it.
        if (session.captureFile?.state === 'error') this.fatal(session.captureFile.error);
        if (session.state === 'listening') this.emit({ event: 'listening', time: nowIso(), local: session.local });
        else if (session.state === 'connected') this.onConnected(session.remote, session.local);
        else if (session.state === 'failed') this.fatal(session.error);
        return;
      }
      case 'connection.opened': {
        const { connection } = event;
        if (this.options.mode === 'tcp-client') {
          this.connectionId = connection.connectionId;
          return;
        }
        if (this.finishing) return;
        if (this.options.sendFile && !this.fileStarted) {
          void this.sendFile().then((all) => {
            if (all) void this.finish(0);
          });
        }
        this.emit(connectionEvent(event));
        return;
      }
      case 'connection.closed': {
        const { connection, reason, error } = event;
        this.emit(connectionEvent(event));
        for (const dir of ['rx', 'tx']) this.decoders.delete(`${connection.connectionId}/${dir}`);
        // A client has nothing left to wait for once its only connection is gone.
        if (this.options.mode === 'tcp-client' && !this.finishing) {
          if (reason === 'error' && error) this.fatal(error);
          else void this.finish(0);
        }
        return;
      }
      case 'send.job':
        if (event.job.state !== 'finished') return;
        this.finishedJobs.set(event.job.jobId, event.job);
        if (event.job.jobId === this.jobId) this.resolveJob?.(event.job);
        return;
      case 'connection.refused':
        if (!this.finishing) this.emit(connectionEvent(event));
        return;
      case 'error':
        if (!this.finishing) this.reportError(event.error);
        return;
      case 'file.send.progress':
      case 'file.send.ended':
        this.onFileEvent(event.job, event.type === 'file.send.ended');
        return;
      default:
        return;
    }
  }

  /** A framing other than per-read was asked for: messages replace rx records in the output. */
  private get framed(): boolean {
    return this.options.create.config.framing.mode !== 'per-read';
  }

  private onMessage(message: RxMessage): void {
    const { options } = this;
    this.emit(messageEvent(message, options.encoding));
    if (options.reply) this.answer(message.connectionId, message.lastSeq);
    this.received++;
    if (options.count !== undefined && this.received >= options.count) void this.finish(0);
  }

  private onRecord(record: CaptureRecord): void {
    const { options } = this;
    if (record.dir === 'rx' && this.framed) return;
    // A file's parts are its progress and its end, not thousands of sent lines.
    if (record.dir === 'tx' && this.fileStarted) return;
    // One decoder per connection (UDP: per peer) and direction, so a character split across reads still decodes.
    const key = `${record.connectionId ?? record.peer}/${record.dir}`;
    let decoder = this.decoders.get(key);
    if (!decoder) this.decoders.set(key, (decoder = createTextDecoder(options.encoding)));
    this.emit(recordEvent(record, decoder.write(record.bytes)));
    if (record.dir !== 'rx' || this.finishing) return;
    if (options.reply) this.answer(record.connectionId, record.seq);
    this.received++;
    if (options.count !== undefined && this.received >= options.count) void this.finish(0);
  }

  /** Answer whoever sent the record `seq`: its connection, or for UDP its sender. */
  private answer(connectionId: string | null, seq: number): void {
    const { reply } = this.options;
    if (!reply || this.sessionId === undefined) return;
    const payload: SendPayloadInput = reply.payload;
    let target: SendTarget;
    if (connectionId !== null) target = { to: 'connections', connectionIds: [connectionId] };
    else target = { to: 'reply', seq };
    const sending = this.engine.run({ type: 'send', sessionId: this.sessionId, payload, target }).then((result) => {
      if (!result.ok && !this.finishing) this.reportError(result.error);
    });
    this.pending.add(sending);
    void sending.finally(() => this.pending.delete(sending));
  }
}
