import type { ConnectionInfo, EngineEvent, SessionState } from '../../../shared/contract';
import type { ConnectedHost } from '../host';
import { adoptSession, forgetSession, loadInterfaces, resync, useHost } from './actions';
import { logStore, type NoteSay } from './log';
import { setStatus, updateView, useApp } from './store';

/** Closed connections stay listed (greyed, with why) so a reset is visible; only the newest few. */
const KEEP_CLOSED = 20;

function putConnection(connection: ConnectionInfo): void {
  useApp.setState((state) => {
    const current = { ...(state.connections[connection.sessionId] ?? {}), [connection.connectionId]: connection };
    const closed = Object.values(current).filter((c) => c.state === 'closed');
    if (closed.length > KEEP_CLOSED) {
      for (const old of closed.slice(0, closed.length - KEEP_CLOSED)) delete current[old.connectionId];
    }
    return { connections: { ...state.connections, [connection.sessionId]: current } };
  });
}

function apply(event: EngineEvent): void {
  switch (event.type) {
    case 'record':
      logStore.appendRecord(event.record);
      return;
    case 'session.added':
      adoptSession(event.session);
      return;
    case 'session.state': {
      const before = useApp.getState().sessions[event.session.sessionId];
      adoptSession(event.session);
      if (event.session.error && event.session.state === 'failed') setStatus(event.session.sessionId, 'error', event.session.error);
      if (before && before.state !== event.session.state) logStore.note(event.session.sessionId, event.session.state === 'failed' ? 'error' : 'info', describeState(event.session.state, event.session.local, event.session.remote, event.session.error?.message));
      return;
    }
    case 'session.removed':
      forgetSession(event.sessionId);
      return;
    case 'connection.opened':
      putConnection(event.connection);
      logStore.note(event.connection.sessionId, 'info', { note: 'connected' }, event.connection.peer);
      return;
    case 'connection.halfClosed': {
      const conn = useApp.getState().connections[event.sessionId]?.[event.connectionId];
      if (conn) putConnection({ ...conn, state: event.by === 'peer' ? 'half-closed-by-peer' : 'half-closed-by-us' });
      logStore.note(event.sessionId, 'info', { note: event.by === 'peer' ? 'peerHalfClosed' : 'usHalfClosed' }, conn?.peer);
      return;
    }
    case 'connection.closed':
      putConnection({ ...event.connection, state: 'closed', closeReason: event.reason });
      updateView(event.connection.sessionId, (view) => ({ selected: view.selected.filter((id) => id !== event.connection.connectionId) }));
      logStore.note(event.connection.sessionId, event.reason === 'reset' || event.reason === 'error' ? 'warn' : 'info', { key: `close.${event.reason}`, detail: event.error ? `${event.error.message}${event.error.hint ? ` ${event.error.hint}` : ''}` : undefined }, event.connection.peer);
      return;
    case 'connection.refused':
      logStore.note(event.sessionId, 'warn', { note: 'refused', values: { limit: event.limit === 'maxClients' ? 'max clients' : 'per-address' } }, event.peer);
      return;
    case 'exchange':
      logStore.note(event.sessionId, event.exchange.error ? 'warn' : 'info', { note: 'exchange', values: { id: event.exchange.exchangeId, sent: event.exchange.bytesSent, received: event.exchange.bytesReceived, ms: Math.round(event.exchange.durationMs), end: event.exchange.end } });
      return;
    case 'stats':
      useApp.setState((state) => {
        // The report carries every open connection's counters; closed ones keep their last numbers.
        const current = { ...(state.connections[event.stats.sessionId] ?? {}) };
        for (const connection of event.stats.connections) if (current[connection.connectionId]?.state !== 'closed') current[connection.connectionId] = connection;
        return { stats: { ...state.stats, [event.stats.sessionId]: event.stats }, connections: { ...state.connections, [event.stats.sessionId]: current } };
      });
      return;
    case 'error':
      if (event.sessionId) {
        setStatus(event.sessionId, 'error', event.error);
        logStore.note(event.sessionId, 'error', { text: event.error.hint ? `${event.error.message} ${event.error.hint}` : event.error.message });
      }
      return;
  }
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

/** Connect the store to the engine: events in, a fresh snapshot every time the link (re)opens. */
export function startSync(host: ConnectedHost): void {
  useHost(host);
  useApp.setState({ hostKind: host.kind, link: host.link });
  host.onEvents((events) => {
    for (const event of events) apply(event);
  });
  const opened = () => {
    void resync();
    void loadInterfaces();
  };
  host.onLink((state) => {
    useApp.setState({ link: state });
    if (state === 'open') opened();
  });
  if (host.link === 'open') opened();
}
