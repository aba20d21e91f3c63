import type { ConnectionInfo } from '../../../shared/contract';
import { FrameNotifier } from './frame-notifier';

/** Closed connections stay listed (greyed, with why) so a reset is visible; only the newest few. */
const KEEP_CLOSED = 20;

/**
 * One TCP server's clients. Ten thousand of them connecting in a second must not copy a ten-thousand
 * entry object per event, so they live here in a Map, outside React state, and the list a view shows
 * is rebuilt at most once per change notification.
 */
export class SessionConnections {
  private readonly byId = new Map<string, ConnectionInfo>();
  /** Closed ids, oldest first, to forget all but the newest KEEP_CLOSED. */
  private closed: string[] = [];
  /** Closed ids the user cleared: a late report of one must not bring it back. */
  private cleared = new Set<string>();
  private sorted: ConnectionInfo[] | undefined;
  private openIds: string[] | undefined;
  version = 0;

  get(connectionId: string): ConnectionInfo | undefined {
    return this.byId.get(connectionId);
  }

  get size(): number {
    return this.byId.size;
  }

  /**
   * Live clients first, oldest first as they connected; then the closed ones, the latest to close first,
   * so a list of five rows never hides a live client under the ones that are gone.
   */
  list(): ConnectionInfo[] {
    if (!this.sorted) {
      const live = [...this.byId.values()]
        .filter((c) => c.state !== 'closed')
        .sort((a, b) => a.connectedAt - b.connectedAt || (a.connectionId < b.connectionId ? -1 : 1));
      const gone: ConnectionInfo[] = [];
      for (let at = this.closed.length - 1; at >= 0; at--) {
        const connection = this.byId.get(this.closed[at]);
        if (connection) gone.push(connection);
      }
      this.sorted = [...live, ...gone];
    }
    return this.sorted;
  }

  /** How many closed clients the list still shows. */
  get closedCount(): number {
    return this.closed.length;
  }

  /** "Clear closed": the list forgets the clients that are gone; the log keeps their rows. */
  clearClosed(): void {
    if (this.closed.length === 0) return;
    if (this.cleared.size > KEEP_CLOSED * 50) this.cleared.clear();
    for (const id of this.closed) {
      this.byId.delete(id);
      this.cleared.add(id);
    }
    this.closed = [];
    this.touch();
  }

  /** Ids of the connections not closed, oldest first. */
  open(): string[] {
    this.openIds ??= this.list()
      .filter((c) => c.state !== 'closed')
      .map((c) => c.connectionId);
    return this.openIds;
  }

  put(connection: ConnectionInfo): void {
    const known = this.byId.get(connection.connectionId);
    // A late counter report must not reopen a connection already closed.
    if (known?.state === 'closed' && connection.state !== 'closed') return;
    if (!known && this.cleared.has(connection.connectionId)) return;
    this.byId.set(connection.connectionId, connection);
    if (connection.state === 'closed' && known?.state !== 'closed') {
      this.closed.push(connection.connectionId);
      if (this.closed.length > KEEP_CLOSED * 2) {
        const forget = this.closed.splice(0, this.closed.length - KEEP_CLOSED);
        for (const id of forget) this.byId.delete(id);
      }
    }
    this.touch();
  }

  update(connectionId: string, change: Partial<ConnectionInfo>): ConnectionInfo | undefined {
    const known = this.byId.get(connectionId);
    if (!known) return undefined;
    const next = { ...known, ...change };
    this.byId.set(connectionId, next);
    this.touch();
    return next;
  }

  /** The full list from `stats.get`: what is not in it and not closed is gone. */
  replaceAll(connections: ConnectionInfo[]): void {
    const keepClosed = [...this.byId.values()].filter((c) => c.state === 'closed');
    this.byId.clear();
    for (const c of keepClosed) this.byId.set(c.connectionId, c);
    this.closed = keepClosed.map((c) => c.connectionId);
    for (const c of connections) if (!this.cleared.has(c.connectionId)) this.byId.set(c.connectionId, c);
    this.touch();
  }

  private touch(): void {
    this.sorted = undefined;
    this.openIds = undefined;
    this.version++;
  }
}

class ConnectionStore {
  private readonly sessions = new Map<string, SessionConnections>();
  private readonly notifier = new FrameNotifier();

  of(sessionId: string): SessionConnections {
    let connections = this.sessions.get(sessionId);
    if (!connections) this.sessions.set(sessionId, (connections = new SessionConnections()));
    return connections;
  }

  /** Call after changing `of(sessionId)`; views hear about it once per animation frame. */
  changed(sessionId: string): void {
    this.notifier.changed(sessionId);
  }

  drop(sessionId: string): void {
    this.sessions.delete(sessionId);
    this.changed(sessionId);
  }

  subscribe(sessionId: string, listener: () => void): () => void {
    return this.notifier.subscribe(sessionId, listener);
  }
}

export const connectionStore = new ConnectionStore();
