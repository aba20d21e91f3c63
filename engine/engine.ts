import { networkInterfaces } from 'node:os';
import { buildPayload } from '../shared/codec/payload';
import {
  parseCommand,
  type Command,
  type CommandInput,
  type CommandResult,
  type CommandType,
  type EngineEvent,
  type NetworkInterfaceAddress,
  type RxMessage,
  type SessionConfig,
  type SessionInfo,
  type SessionStats,
  type CommandValues,
  type WorkspaceDocument,
  type WorkspaceSession,
  type WorkspaceState,
} from '../shared/contract';
import { describeThrown } from '../shared/contract/issue-text';
import { sendOptionsFor } from '../shared/contract/record-encoding';
import { failWith, keyedError, wrappedError } from '../shared/errors/word';
import { ok, type Result } from '../shared/result';
import { tryRules } from '../shared/rules/answer';
import { AutoReply } from './auto-reply';
import type { CaptureReader } from './capture';
import { sendGreeting } from './greeting';
import { SendComposer } from './send-composer';
import { SendJobs } from './send-jobs';
import { FileSends } from './file-send';
import type { Session, SessionOwner } from './session';
import { TcpClientSession } from './tcp-client';
import { TcpServerSession } from './tcp-server';
import { UdpSession } from './udp';
import { Workspace } from './workspace';
import { ConnectionEvents } from './connection-events';

export interface EngineOptions {
  /** How often running sessions report their counters; 0 turns the reports off. */
  statsIntervalMs?: number;
}

type Listener = (event: EngineEvent) => void;
/**
 * Session `sessionId` captured records up to `nextSeq - 1`; read them with `Engine.capture`. Called
 * synchronously for every record, before the next one can arrive, so a reader that reads at once never
 * finds a record evicted.
 */
export type RecordsListener = (sessionId: string, nextSeq: number) => void;

/**
 * Owns every socket and every captured byte. Faces (Electron IPC, the browser bridge, the CLI) give
 * it commands through `execute` — always validated against the shared contract — and listen to its
 * events. It knows nothing about who listens.
 */
export class Engine {
  private readonly sessions = new Map<string, Session>();
  /** What is remembered between runs; a host gives it a keeper (`workspace.keepWith`) to store it. */
  readonly workspace = new Workspace(
    () => this.workspaceSessions(),
    (event) => this.emit(event),
  );
  private readonly autoReplies = new Map<string, AutoReply>();
  /** Each session's newest connection lines, for a view that reloads (`connection.events`). */
  private readonly connectionEvents = new ConnectionEvents();
  private readonly listeners = new Set<Listener>();
  private readonly recordsListeners = new Set<RecordsListener>();
  private sessionCount = 0;
  private connectionCount = 0;
  private readonly statsTimer?: NodeJS.Timeout;
  private readonly fileSends = new FileSends((event) => this.emit(event));
  private readonly owner: SessionOwner = {
    emit: (event) => this.emit(event),
    recordsAdded: (sessionId, nextSeq) => this.recordsAdded(sessionId, nextSeq),
    nextConnectionId: () => `c${++this.connectionCount}`,
  };
  /** Every send's bytes and each session's {counter}. */
  private readonly composer = new SendComposer();
  private readonly sendJobs = new SendJobs({
    session: (id) => this.sessions.get(id),
    compose: (id, payload) => this.composer.compose(id, payload),
    emit: (event) => this.emit(event),
  });

  constructor(options: EngineOptions = {}) {
    const interval = options.statsIntervalMs ?? 1000;
    if (interval > 0) {
      this.statsTimer = setInterval(() => this.reportStats(), interval);
      this.statsTimer.unref();
    }
  }

  /**
   * The records of a session, for whoever follows them (the event stream, the CLI, tests); undefined once
   * the session is removed. Records are never pushed as events: `onRecords` says how far they go.
   */
  capture(sessionId: string): CaptureReader | undefined {
    return this.sessions.get(sessionId)?.capture;
  }

  /** Every engine event except records, which `onRecords` announces. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Hear the received messages of one session, cut by its framing (`Session.onMessage`); undefined when there
   * is no such session.
   */
  onMessage(sessionId: string, listener: (message: RxMessage) => void): (() => void) | undefined {
    return this.sessions.get(sessionId)?.onMessage(listener);
  }

  onRecords(listener: RecordsListener): () => void {
    this.recordsListeners.add(listener);
    return () => this.recordsListeners.delete(listener);
  }

  private recordsAdded(sessionId: string, nextSeq: number): void {
    this.sendJobs.recordsAdded(sessionId, nextSeq);
    for (const listener of this.recordsListeners) {
      try {
        listener(sessionId, nextSeq);
      } catch {
        // As with events: a broken reader must not take the socket that is reading down with it.
      }
    }
  }

  private emit(event: EngineEvent): void {
    this.sendJobs.observe(event);
    this.connectionEvents.observe(event);
    if (event.type === 'session.added' || event.type === 'session.state' || event.type === 'session.removed')
      this.workspace.changed();
    if (event.type === 'connection.opened') this.greet(event.connection.sessionId, event.connection.connectionId);
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A broken listener (a closed window, a dead WebSocket) must not take the sockets down with it.
      }
    }
  }

  /** The typed entry for code that builds commands itself; validates exactly like `execute`. */
  run<T extends CommandType>(command: Extract<CommandInput, { type: T }>): Promise<CommandResult<T>> {
    return this.execute(command) as Promise<CommandResult<T>>;
  }

  /** The entry for anything from outside: validated, never throws, answers with a result envelope. */
  async execute(raw: unknown): Promise<Result<unknown>> {
    try {
      const parsed = parseCommand(raw);
      if (!parsed.ok) return parsed;
      return await this.dispatch(parsed.value);
    } catch (err) {
      return failWith('E_INTERNAL', 'internal-error', { detail: describeThrown(err) });
    }
  }

  private greet(sessionId: string, connectionId: string): void {
    const session = this.sessions.get(sessionId);
    if (session)
      sendGreeting(
        session,
        connectionId,
        (id, payload) => this.composer.compose(id, payload),
        (e) => this.emit(e),
      );
  }

  private session(id: string): Result<Session> {
    const session = this.sessions.get(id);
    return session ? ok(session) : failWith('E_NOT_FOUND', 'no-session', { id });
  }

  private createSession(config: SessionConfig, name: string | undefined, givenId?: string): Session {
    const id = givenId ?? `s${++this.sessionCount}`;
    // Ids the engine picks later must not collide with one a workspace brought back.
    const numbered = /^s(\d+)$/.exec(id);
    if (numbered) this.sessionCount = Math.max(this.sessionCount, Number(numbered[1]));
    const label = name ?? `${config.kind} ${numbered ? numbered[1] : id}`;
    switch (config.kind) {
      case 'tcp-server':
        return new TcpServerSession(id, label, config, this.owner);
      case 'tcp-client':
        return new TcpClientSession(id, label, config, this.owner);
      case 'udp':
        return new UdpSession(id, label, config, this.owner);
    }
  }

  private async dispatch(command: Command): Promise<Result<unknown>> {
    if (command.type === 'session.create' || command.type === 'session.update') {
      const greeting = command.config.kind === 'udp' ? undefined : command.config.greeting;
      const built = greeting ? buildPayload(greeting) : undefined;
      if (built && !built.ok) return { ok: false, error: wrappedError('greeting-invalid', {}, built.error) };
    }
    if (command.type === 'session.create') {
      if (command.id !== undefined && this.sessions.has(command.id))
        return failWith('E_STATE', 'session-exists', { id: command.id });
      return ok(this.addSession(command.config, command.name, command.id).info());
    }
    if (command.type === 'session.list') return ok([...this.sessions.values()].map((s) => s.info()));
    if (command.type === 'session.startAll') return this.startAll(command.sessionIds);
    if (command.type === 'workspace.get') return ok(this.workspace.state());
    if (command.type === 'workspace.ui') return ok({ saved: this.workspace.setUi(command.ui) });
    if (command.type === 'workspace.import') return this.importWorkspace(command.document);
    if (command.type === 'net.interfaces') return ok(listInterfaces());
    if (command.type === 'rules.try') return this.tryRules(command);

    const found = this.session(command.sessionId);
    if (!found.ok) return found;
    const session = found.value;
    switch (command.type) {
      case 'session.update': {
        if (session.running) return failWith('E_STATE', 'stop-before-update');
        if (command.config.kind !== session.config.kind) {
          return failWith('E_VALIDATION', 'kind-change', { from: session.config.kind, to: command.config.kind });
        }
        session.config = command.config;
        session.capture.setCap(command.config.captureCapBytes);
        session.framingReplaced();
        this.emit({ type: 'session.state', session: session.info() });
        return ok(session.info());
      }
      case 'session.rename':
        session.name = command.name;
        this.emit({ type: 'session.state', session: session.info() });
        return ok(session.info());
      case 'session.framing':
        session.setFraming(command.framing);
        return ok(session.info());
      case 'session.start':
        return this.startSession(session);
      case 'session.stop':
        this.sendJobs.stop(session.id, undefined, 'session-stopped');
        this.fileSends.endForSession(session.id, 'stopped');
        await session.stopAndSave();
        return ok(session.info());
      case 'session.remove':
        await this.removeSession(session);
        return ok({ sessionId: session.id });
      case 'send': {
        // Turn the payload into bytes first: bad hex or an unencodable character touches no socket.
        const composed = this.composer.compose(session.id, command.payload);
        if (!composed.ok) return composed;
        return session.send(composed.value.bytes, command.target, sendOptionsFor(command.payload));
      }
      case 'send.repeat':
        return this.sendJobs.startRepeat(session, command);
      case 'send.sequence':
        return this.sendJobs.startSequence(session, command);
      case 'send.stop':
        return this.sendJobs.stop(session.id, command.jobId);
      case 'send.jobs':
        return ok(this.sendJobs.list(session.id));
      case 'send.preview':
        return this.composer.preview(session.id, command.payload);
      case 'connection.close':
        return session.closeConnections(command.connectionIds, command.reset);
      case 'connection.halfClose':
        return session.halfClose(command.connectionId);
      case 'connection.list':
        return ok(session.connections());
      case 'connection.events':
        return ok({ events: this.connectionEvents.list(session.id, command.afterMonoUs) });
      case 'udp.multicast':
        if (!(session instanceof UdpSession)) return failWith('E_STATE', 'multicast-udp-only');
        return session.multicast(command.action, command.group, command.iface);
      case 'stats.get':
        return ok(this.stats(session));
      case 'stats.reset':
        session.resetCounters();
        return ok(this.stats(session));
      case 'capture.read':
        return ok(session.capture.read(command.fromSeq, command.limit, command.tailBytes));
      case 'capture.clear': {
        const cleared = session.capture.clear();
        this.emit({ type: 'capture.cleared', sessionId: session.id, nextSeq: session.capture.nextSeq });
        return ok({ cleared });
      }
      case 'capture.file.start':
        return session.startCaptureFile(command.path, command.format, command.append);
      case 'capture.file.stop':
        return session.stopCaptureFile();
      case 'rules.set': {
        const set = this.autoReply(session).set(command.rules);
        this.workspace.changed();
        return set;
      }
      case 'rules.get':
        return ok(this.autoReply(session).state());
      case 'rules.counters.reset':
        return ok(this.autoReply(session).resetCounters());
      case 'file.send.start':
        return this.fileSends.start(session, command);
      case 'file.send.chunk':
        return this.fileSends.chunk(command);
      case 'file.send.cancel':
        return this.fileSends.cancel(session.id, command.jobId);
    }
  }

  private addSession(config: SessionConfig, name: string | undefined, id?: string): Session {
    const session = this.createSession(config, name, id);
    this.sessions.set(session.id, session);
    this.autoReplies.set(
      session.id,
      new AutoReply(
        session,
        (event) => this.emit(event),
        (payload) => {
          const composed = this.composer.compose(session.id, payload);
          return composed.ok ? ok(composed.value.bytes) : composed;
        },
      ),
    );
    this.emit({ type: 'session.added', session: session.info() });
    return session;
  }

  private async startSession(session: Session): Promise<Result<SessionInfo>> {
    this.composer.reset(session.id);
    this.workspace.sessionStarted(session.id);
    session.capture.prepare();
    const started = await session.start();
    return started.ok ? ok(session.info()) : started;
  }

  private async removeSession(session: Session): Promise<void> {
    this.sendJobs.stop(session.id, undefined, 'session-stopped');
    this.fileSends.endForSession(session.id, 'removed');
    this.composer.reset(session.id);
    await session.stopAndSave();
    this.sessions.delete(session.id);
    this.autoReplies.get(session.id)?.dispose();
    this.autoReplies.delete(session.id);
    this.workspace.sessionStarted(session.id);
    this.emit({ type: 'session.removed', sessionId: session.id });
  }

  /** Starts the sessions one after another, so that two which need the same port fail in a known order. */
  private async startAll(ids: string[] | undefined): Promise<Result<CommandValues['session.startAll']>> {
    const started: string[] = [];
    const failed: CommandValues['session.startAll']['failed'] = [];
    for (const id of ids ?? this.workspace.waitingToStart()) {
      const session = this.sessions.get(id);
      if (!session) {
        failed.push({ sessionId: id, error: keyedError('E_NOT_FOUND', 'no-session', { id }) });
        continue;
      }
      if (session.running) continue;
      const result = await this.startSession(session);
      if (result.ok) started.push(id);
      else failed.push({ sessionId: id, error: result.error });
    }
    return ok({ started, failed });
  }

  /** The sessions as the workspace keeps them, in the order they were made. */
  private workspaceSessions(): WorkspaceSession[] {
    return [...this.sessions.values()].map((session) => {
      const rules = this.autoReplies.get(session.id)?.state().set;
      const captureFile = session.captureFile?.active ? session.captureFile.info() : undefined;
      return {
        id: session.id,
        name: session.name,
        config: session.config,
        ...(rules && rules.rules.length > 0 ? { rules } : {}),
        ...(captureFile ? { captureFile: { path: captureFile.path, format: captureFile.format } } : {}),
        wasRunning: session.running,
      };
    });
  }

  /**
   * Checks the whole document before touching anything, then stops and removes every session and makes those of
   * the document, stopped; the ones that were running wait for "Start all".
   */
  private async importWorkspace(document: WorkspaceDocument): Promise<Result<WorkspaceState>> {
    const seen = new Set<string>();
    for (const entry of document.sessions) {
      if (seen.has(entry.id)) return failWith('E_VALIDATION', 'workspace-duplicate-id', { id: entry.id });
      seen.add(entry.id);
      const greeting = entry.config.kind === 'udp' ? undefined : entry.config.greeting;
      const built = greeting ? buildPayload(greeting) : undefined;
      if (built && !built.ok)
        return { ok: false, error: wrappedError('workspace-greeting', { session: entry.name }, built.error) };
    }
    for (const session of [...this.sessions.values()]) await this.removeSession(session);
    for (const entry of document.sessions) {
      const session = this.addSession(entry.config, entry.name, entry.id);
      if (entry.rules) {
        const set = this.autoReply(session).set(entry.rules);
        if (!set.ok) return { ok: false, error: wrappedError('workspace-rules', { session: entry.name }, set.error) };
      }
      if (entry.captureFile) await this.resumeCaptureFile(session, entry.captureFile);
    }
    this.workspace.opened(document);
    this.workspace.changed();
    return ok(this.workspace.state());
  }

  /** Appends to the capture file the session was saving to; a file that cannot be opened is said, not fatal. */
  private async resumeCaptureFile(session: Session, file: NonNullable<WorkspaceSession['captureFile']>): Promise<void> {
    const resumed = await session.startCaptureFile(file.path, file.format, true);
    if (!resumed.ok)
      this.emit({
        type: 'error',
        sessionId: session.id,
        error: { ...resumed.error, message: `Saving to ${file.path} could not go on: ${resumed.error.message}` },
      });
  }

  private autoReply(session: Session): AutoReply {
    const autoReply = this.autoReplies.get(session.id);
    if (!autoReply) throw new Error(`Session ${session.id} has no auto-reply rules.`);
    return autoReply;
  }

  private tryRules(command: Extract<Command, { type: 'rules.try' }>): Result<unknown> {
    if (command.rules) return tryRules(command.rules, command.message);
    if (command.sessionId === undefined) return failWith('E_VALIDATION', 'rules-try-nothing');
    const found = this.session(command.sessionId);
    if (!found.ok) return found;
    return tryRules(this.autoReply(found.value).state().set, command.message);
  }

  private stats(session: Session, connections = session.connections()): SessionStats {
    return {
      sessionId: session.id,
      counters: session.meter.snapshot(),
      accepted: session.accepted,
      refused: session.refused,
      capture: session.capture.stats(),
      connections,
      ...(session.captureFile ? { captureFile: session.captureFile.info() } : {}),
      ...(session instanceof UdpSession && session.systemDrops() !== undefined
        ? { systemDrops: session.systemDrops() }
        : {}),
      takenAt: Date.now(),
    };
  }

  /**
   * The periodic report: the session's counters, and only the connections whose counters or state changed
   * since the previous report — 10,000 idle clients must not cost megabytes every second.
   */
  private reportStats(): void {
    for (const session of this.sessions.values()) {
      if (session.running) this.emit({ type: 'stats', stats: this.stats(session, session.changedConnections()) });
    }
  }

  /** Close every socket of every session; the process may exit afterwards. */
  async shutdown(): Promise<void> {
    clearInterval(this.statsTimer);
    this.sendJobs.shutdown();
    this.fileSends.endAll();
    await Promise.all([...this.sessions.values()].map((session) => session.stopAndSave()));
  }
}

function listInterfaces(): NetworkInterfaceAddress[] {
  const list: NetworkInterfaceAddress[] = [];
  for (const [iface, addresses] of Object.entries(networkInterfaces())) {
    for (const entry of addresses ?? []) {
      list.push({
        iface,
        address: entry.address,
        family: entry.family === 'IPv6' ? 'IPv6' : 'IPv4',
        internal: entry.internal,
        ...(entry.family === 'IPv6' && entry.scopeid ? { scopeId: entry.scopeid } : {}),
      });
    }
  }
  return list;
}
