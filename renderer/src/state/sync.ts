import type { ConnectionInfo, EngineEvent, SessionInfo, SessionState } from '../../../shared/contract';
import type { DecodedBatch } from '../../../shared/contract/batch';
import type { EngineLink } from '../link';
import { adoptSession, forgetSession, loadInterfaces, resync, attachLink } from './actions';
import { connectionStore } from './connections';
import { StampedNotes } from './event-rows';
import { applyFileSendEvent } from './file-send';
import { logStore, type Note, type NoteSay } from './log';
import { applyRulesCounters } from './rules';
import { clearStaleError, setStatus, updateView, useApp, type StatusAction } from './store';
import { applyJob, forgetSchedule } from './send-schedule';
import { openWorkspace, workspaceSaved } from '../workspace/page-workspace';
import { shownBySnapshot, watchConnectionLines } from '../workspace/connection-lines';
import { errorSentence, errorWords } from '../error-words';

type PendingNote = [sessionId: string, tone: Note['tone'], say: NoteSay, peer?: string];

/** What applying one batch's events leaves to do once they are all applied. */
interface BatchEffects {
  /** Connections that closed, per session, to untick them with one state change. */
  closed: Map<string, Set<string>>;
  /** Notes to show before the batch's records and after them (see `opensSomething`). */
  before: PendingNote[];
  after: PendingNote[];
  /** Notes of connection events, which the engine stamps: they go in among the records by time. */
  stamped: StampedNotes;
}

function apply(event: EngineEvent, effects: BatchEffects): void {
  const { closed } = effects;
  const notes = opensSomething(event) ? effects.before : effects.after;
  const note = (...pending: PendingNote) => void notes.push(pending);
  const stampedNote = (stamp: { wallUs: number; monoUs: number }, ...[sessionId, tone, say, peer]: PendingNote) => {
    // A snapshot read while this batch was on its way already put this line in the log.
    if (shownBySnapshot(sessionId, stamp.monoUs)) return;
    effects.stamped.add({ sessionId, note: { tone, say }, peer, wallUs: stamp.wallUs, monoUs: stamp.monoUs });
  };
  switch (event.type) {
    case 'session.added':
      adoptSession(event.session);
      return;
    case 'send.job':
      applyJob(event.job);
      return;
    case 'session.state': {
      const before = useApp.getState().sessions[event.session.sessionId];
      adoptSession(event.session);
      if (event.session.error && event.session.state === 'failed')
        setStatus(event.session.sessionId, 'error', event.session.error, 'start');
      if (UP_STATES.has(event.session.state)) clearStaleError(event.session.sessionId, 'start');
      if (before && before.state !== event.session.state && !saidByItsConnection(event.session))
        note(
          event.session.sessionId,
          event.session.state === 'failed' ? 'error' : 'info',
          describeState(
            event.session.state,
            event.session.local,
            event.session.remote,
            event.session.error && errorWords(event.session.error).message,
          ),
        );
      return;
    }
    case 'session.removed':
      forgetSession(event.sessionId);
      forgetSchedule(event.sessionId);
      return;
    case 'connection.opened':
      connectionStore.of(event.connection.sessionId).put(event.connection);
      connectionStore.changed(event.connection.sessionId);
      stampedNote(event, event.connection.sessionId, 'info', openedSay(event.connection), event.connection.peer);
      return;
    case 'connection.halfClosed': {
      const conn = connectionStore
        .of(event.sessionId)
        .update(event.connectionId, { state: event.by === 'peer' ? 'half-closed-by-peer' : 'half-closed-by-us' });
      connectionStore.changed(event.sessionId);
      stampedNote(
        event,
        event.sessionId,
        'info',
        { note: event.by === 'peer' ? 'peerHalfClosed' : 'usHalfClosed' },
        conn?.peer,
      );
      return;
    }
    case 'connection.closed': {
      const { sessionId, connectionId } = event.connection;
      connectionStore.of(sessionId).put({ ...event.connection, state: 'closed', closeReason: event.reason });
      connectionStore.changed(sessionId);
      let ids = closed.get(sessionId);
      if (!ids) closed.set(sessionId, (ids = new Set()));
      ids.add(connectionId);
      stampedNote(
        event,
        sessionId,
        event.reason === 'reset' || event.reason === 'error' ? 'warn' : 'info',
        {
          key: `close.${event.reason}`,
          detail: event.error ? errorSentence(event.error) : undefined,
        },
        event.connection.peer,
      );
      return;
    }
    case 'connection.refused':
      stampedNote(
        event,
        event.sessionId,
        'warn',
        { note: 'refused', values: { limit: event.limit === 'maxClients' ? 'max clients' : 'per-address' } },
        event.peer,
      );
      return;
    case 'capture.cleared':
      logStore.clear(event.sessionId, event.nextSeq);
      return;
    case 'exchange':
      note(event.sessionId, event.exchange.error ? 'warn' : 'info', {
        note: 'exchange',
        values: {
          id: event.exchange.exchangeId,
          sent: event.exchange.bytesSent,
          received: event.exchange.bytesReceived,
          ms: Math.round(event.exchange.durationMs),
          end: event.exchange.end,
        },
      });
      return;
    case 'stats': {
      const { stats } = event;
      // The periodic report carries only the connections that changed: merge them, never replace the list.
      if (stats.connections.length > 0) {
        const connections = connectionStore.of(stats.sessionId);
        for (const connection of stats.connections) connections.put(connection);
        connectionStore.changed(stats.sessionId);
      }
      useApp.setState((state) => ({ stats: { ...state.stats, [stats.sessionId]: { ...stats, connections: [] } } }));
      return;
    }
    case 'rules.counters':
      applyRulesCounters(event);
      return;
    case 'file.send.progress':
    case 'file.send.ended':
      applyFileSendEvent(event.job);
      return;
    case 'workspace.saved':
      workspaceSaved(event);
      return;
    case 'error':
      if (event.sessionId) {
        setStatus(event.sessionId, 'error', event.error, actionOfError(event.sessionId, event.error.code));
        note(event.sessionId, 'error', {
          text: errorSentence(event.error),
        });
      }
      return;
  }
}

/**
 * A batch says what happened (events) and what arrived (records). Connection events carry the engine's
 * stamps and go in among the records by monotonic time (`StampedNotes`). Of the other notes, those that
 * open something come before the batch's records and the rest after them: data before an error.
 */
function opensSomething(event: EngineEvent): boolean {
  switch (event.type) {
    case 'session.added':
    case 'connection.opened':
    case 'capture.cleared':
      return true;
    case 'session.state':
      return (
        event.session.state === 'listening' ||
        event.session.state === 'connected' ||
        event.session.state === 'ready' ||
        event.session.state === 'starting' ||
        event.session.state === 'connecting'
      );
    default:
      return false;
  }
}

export function applyBatch(batch: DecodedBatch): void {
  const { header } = batch;
  const effects: BatchEffects = { closed: new Map(), before: [], after: [], stamped: new StampedNotes() };
  for (const event of header.events) apply(event, effects);
  // A session removed in this batch (or not adopted yet: a snapshot brings its records) gets no log.
  const sessions = useApp.getState().sessions;
  const known = (sessionId: string) => sessionId in sessions;
  for (const note of effects.before) if (known(note[0])) logStore.note(...note);
  logStore.ingest(batch, known, effects.stamped);
  for (const note of effects.after) if (known(note[0])) logStore.note(...note);
  for (const [sessionId, ids] of effects.closed) {
    const selected = useApp.getState().views[sessionId]?.selected ?? [];
    if (selected.some((id) => ids.has(id)))
      updateView(sessionId, (view) => ({ selected: view.selected.filter((id) => !ids.has(id)) }));
  }
  // The engine's stream dropped events for this tab (it stopped acknowledging for too long): read everything again.
  if (header.resync) void resync();
}

/** A session in one of these states has started: listening, connected, or (a short-mode client) ready. */
const UP_STATES = new Set<SessionState>(['listening', 'connected', 'ready']);
const STARTING_STATES = new Set<SessionState>(['starting', 'connecting', 'reconnecting']);

/**
 * Which action an error the engine reports by itself belongs to: while a session is still getting up (a client
 * retrying its connect), its start; a UDP send's "port unreachable", the send. Others belong to no action.
 */
function actionOfError(sessionId: string, code: string): StatusAction | undefined {
  const session = useApp.getState().sessions[sessionId];
  if (!session) return undefined;
  if (STARTING_STATES.has(session.state)) return 'start';
  if (session.config.kind === 'udp' && code === 'ECONNREFUSED') return 'send';
  return undefined;
}

/**
 * A TCP client's connect is one line in the log: its connection's own, which says where to and where from and
 * sits among the records by the engine's stamp. The session's "Connecting" and "Connected" states would only
 * repeat it (the status line shows them as they happen).
 */
function saidByItsConnection(session: SessionInfo): boolean {
  return session.config.kind === 'tcp-client' && (session.state === 'connecting' || session.state === 'connected');
}

function openedSay(connection: ConnectionInfo): NoteSay {
  const kind = useApp.getState().sessions[connection.sessionId]?.config.kind;
  return kind === 'tcp-client'
    ? { key: 'connectedTo', values: { remote: connection.peer, local: connection.local } }
    : { note: 'connected' };
}

function describeState(state: SessionState, local?: string, remote?: string, error?: string): NoteSay {
  switch (state) {
    case 'listening':
      return { key: 'listeningOn', values: { address: local ?? '' } };
    case 'connected':
      return { key: 'connectedTo', values: { remote: remote ?? '', local: local ?? '' } };
    case 'failed':
      return error ? { text: error } : { key: 'state.failed' };
    default:
      return { key: `state.${state}` };
  }
}

/** Connect the store to the engine: batches in, a fresh snapshot every time the link (re)opens. */
export function startSync(link: EngineLink): void {
  attachLink(link);
  useApp.setState({ linkKind: link.kind, link: link.link });
  link.onBatch(applyBatch);
  watchConnectionLines(link);
  const opened = () => {
    void resync().then(openWorkspace);
    void loadInterfaces();
  };
  link.onLink((state) => {
    useApp.setState({ link: state });
    if (state === 'open') opened();
  });
  if (link.link === 'open') opened();
}
