// Runs the sessions of a saved workspace headless: brought back by `workspace.import` exactly as the app would
// (settings, framing, greeting, rules), started, and everything they receive printed like any CLI run, each line
// marked with its session. The file is only read: no keeper is attached, so nothing is ever written to it.
import { createTextDecoder, type TextDecoderState } from '../shared/codec';
import type { Encoding } from '../shared/codec/options';
import type { CaptureRecord, EngineEvent, RxMessage, WorkspaceDocument, WorkspaceSession } from '../shared/contract';
import { fail, type SockpitError } from '../shared/result';
import { followRecords } from '../engine/follow-records';
import { readWorkspaceFile } from '../engine/workspace-file';
import {
  connectionEvent,
  errorEvent,
  formatEvent,
  formatFailure,
  messageEvent,
  nowIso,
  recordEvent,
  type CliEvent,
} from './output';
import type { EngineLike, RunIo } from './run';
import type { WorkspaceRunOptions } from './workspace-args';

interface Running {
  name: string;
  kind: 'tcp-server' | 'tcp-client' | 'udp';
  encoding: Encoding;
  framed: boolean;
}

export class WorkspaceRunner {
  private readonly running = new Map<string, Running>();
  private readonly decoders = new Map<string, TextDecoderState>();
  private finishing = false;
  private resolveDone!: (code: number) => void;
  private readonly done = new Promise<number>((resolve) => (this.resolveDone = resolve));
  private readonly stops: Array<() => void> = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly options: WorkspaceRunOptions,
    private readonly engine: EngineLike,
    private readonly io: RunIo,
  ) {}

  async run(): Promise<number> {
    const read = await readWorkspaceFile(this.options.file);
    if (read.kind === 'missing') return this.badInput(`There is no workspace file ${this.options.file}.`);
    if (read.kind !== 'document') return this.badInput(read.message);
    const document = read.document;
    const chosen = this.choose(document);
    if (!chosen.ok) return this.badInput(chosen.error.message, chosen.error.hint);
    if (chosen.value.length === 0) return this.badInput(`The workspace ${this.options.file} has no sessions to run.`);

    for (const entry of chosen.value) {
      const view = document.ui.views?.[entry.id];
      this.running.set(entry.id, {
        name: entry.name,
        kind: entry.config.kind,
        encoding: this.options.encoding ?? view?.receiveEncoding ?? 'utf-8',
        framed: entry.config.framing.mode !== 'per-read',
      });
    }
    // Listening before the import, which already reports a capture file that cannot be opened again.
    this.stops.push(this.engine.subscribe((event) => this.guard(() => this.onEvent(event))));
    this.stops.push(followRecords(this.engine, { onRecord: (record) => this.guard(() => this.onRecord(record)) }));
    // Only the chosen sessions are made: the others' capture files and ports are left alone.
    const imported = await this.engine.run({
      type: 'workspace.import',
      document: { ...document, sessions: chosen.value },
    });
    if (!imported.ok) {
      await this.finish(2);
      return this.badInput(`${this.options.file} could not be opened: ${imported.error.message}`);
    }
    for (const [sessionId, session] of this.running) {
      if (!session.framed) continue;
      const stop = this.engine.onMessage(sessionId, (message) => this.guard(() => this.onMessage(message)));
      if (stop) this.stops.push(stop);
    }
    const stopSignals = this.io.onStopSignal(() => void this.finish(0));
    try {
      if (this.options.timeoutMs !== undefined)
        this.timer = setTimeout(() => void this.finish(0), this.options.timeoutMs);
      const all = await this.engine.run({ type: 'session.startAll', sessionIds: [...this.running.keys()] });
      if (!all.ok) {
        this.fatal(all.error);
      } else {
        for (const failure of all.value.failed) this.report(failure.sessionId, failure.error);
        // Nothing runs: there is nothing to wait for, and the network said no.
        if (all.value.started.length === 0) void this.finish(1);
      }
      return await this.done;
    } finally {
      stopSignals();
    }
  }

  /** The sessions --session names (by id or name), or all of them. */
  private choose(document: WorkspaceDocument) {
    const wanted = this.options.sessions;
    if (wanted.length === 0) return { ok: true as const, value: document.sessions };
    const value: WorkspaceSession[] = [];
    for (const key of wanted) {
      const found =
        document.sessions.find((entry) => entry.id === key) ?? document.sessions.find((e) => e.name === key);
      if (!found) {
        const names = document.sessions.map((entry) => `"${entry.name}" (${entry.id})`).join(', ');
        return fail('E_USAGE', `The workspace has no session "${key}".`, {
          hint: names ? `Its sessions: ${names}.` : 'It has no sessions.',
        });
      }
      if (!value.includes(found)) value.push(found);
    }
    return { ok: true as const, value };
  }

  private badInput(message: string, hint?: string): number {
    this.io.err(formatFailure({ code: 'E_USAGE', message, ...(hint ? { hint } : {}) }));
    return 2;
  }

  private guard(handle: () => void): void {
    try {
      handle();
    } catch (err) {
      // Throwing into the engine's emitter would hurt the sessions, not just this face.
      this.io.err(`sockpit: internal error: ${(err as Error)?.message ?? String(err)}`);
      void this.finish(1);
    }
  }

  private emit(sessionId: string, event: CliEvent): void {
    const name = this.running.get(sessionId)?.name ?? sessionId;
    const style = { json: this.options.json, hex: this.options.hex };
    const line = this.options.json
      ? JSON.stringify({ session: name, sessionId, ...event })
      : `${name}: ${formatEvent(event, style)}`;
    if (event.event === 'error' && !this.options.json) this.io.err(line);
    else this.io.out(line);
  }

  private report(sessionId: string, error: SockpitError, time?: string): void {
    this.emit(sessionId, errorEvent(error, time));
  }

  private fatal(error: SockpitError): void {
    this.io.err(formatFailure(error));
    void this.finish(1);
  }

  private onEvent(event: EngineEvent): void {
    if (this.finishing) return;
    switch (event.type) {
      case 'session.state': {
        const { session } = event;
        if (!this.running.has(session.sessionId)) return;
        if (session.state === 'listening')
          this.emit(session.sessionId, { event: 'listening', time: nowIso(), local: session.local });
        else if (session.state === 'connected')
          this.emit(session.sessionId, {
            event: 'connected',
            time: nowIso(),
            peer: session.remote,
            ...(session.local ? { local: session.local } : {}),
          });
        return;
      }
      case 'connection.opened': {
        const { connection } = event;
        // A client's own connection is already its "connected" line.
        const session = this.running.get(connection.sessionId);
        if (!session || session.kind === 'tcp-client') return;
        this.emit(connection.sessionId, connectionEvent(event));
        return;
      }
      case 'connection.closed': {
        const { connection } = event;
        if (!this.running.has(connection.sessionId)) return;
        this.emit(connection.sessionId, connectionEvent(event));
        for (const dir of ['rx', 'tx']) this.decoders.delete(`${connection.connectionId}/${dir}`);
        return;
      }
      case 'connection.refused':
        if (this.running.has(event.sessionId)) this.emit(event.sessionId, connectionEvent(event));
        return;
      case 'error':
        if (event.sessionId !== undefined && this.running.has(event.sessionId))
          this.report(event.sessionId, event.error);
        return;
      default:
        return;
    }
  }

  private onRecord(record: CaptureRecord): void {
    const session = this.running.get(record.sessionId);
    if (!session || this.finishing) return;
    if (record.dir === 'rx' && session.framed) return;
    // One decoder per connection (UDP: per peer) and direction, so a character split across reads still decodes.
    const key = `${record.sessionId}/${record.connectionId ?? record.peer}/${record.dir}`;
    let decoder = this.decoders.get(key);
    if (!decoder) this.decoders.set(key, (decoder = createTextDecoder(session.encoding)));
    this.emit(record.sessionId, recordEvent(record, decoder.write(record.bytes)));
  }

  private onMessage(message: RxMessage): void {
    const session = this.running.get(message.sessionId);
    if (!session || this.finishing) return;
    this.emit(message.sessionId, messageEvent(message, session.encoding));
  }

  private async finish(code: number): Promise<void> {
    if (this.finishing) return;
    this.finishing = true;
    clearTimeout(this.timer);
    try {
      await this.engine.shutdown();
    } catch (err) {
      this.io.err(`sockpit: stopping the engine failed: ${(err as Error).message}`);
      code = code || 1;
    }
    for (const stop of this.stops) stop();
    this.resolveDone(code);
  }
}
