import { sessionOfConnectionEvent, type ConnectionEvent, type EngineEvent } from '../shared/contract';

// The connect, half-close, close and refuse lines of each session, kept by the engine so that a page that
// reloads (or a second tab) can show them among the records again: the page's own rows are gone with it.

/** How many connection events each session keeps: the newest, like the capture's records. */
export const CONNECTION_EVENTS_KEPT = 1000;

/** A bounded ring per session; the oldest goes first. */
class Ring {
  private readonly items: ConnectionEvent[] = [];
  private start = 0;

  push(event: ConnectionEvent): void {
    if (this.items.length < CONNECTION_EVENTS_KEPT) this.items.push(event);
    else {
      this.items[this.start] = event;
      this.start = (this.start + 1) % CONNECTION_EVENTS_KEPT;
    }
  }

  /** In the order they happened, those stamped after `afterMonoUs` (all without it). */
  list(afterMonoUs: number | undefined): ConnectionEvent[] {
    const ordered = [...this.items.slice(this.start), ...this.items.slice(0, this.start)];
    return afterMonoUs === undefined ? ordered : ordered.filter((event) => event.monoUs > afterMonoUs);
  }
}

export class ConnectionEvents {
  private readonly bySession = new Map<string, Ring>();

  /** Sees every engine event: keeps the connection ones, forgets a session's when its log is cleared or it goes. */
  observe(event: EngineEvent): void {
    if (event.type === 'capture.cleared') {
      this.bySession.delete(event.sessionId);
      return;
    }
    if (event.type === 'session.removed') {
      this.bySession.delete(event.sessionId);
      return;
    }
    const sessionId = sessionOfConnectionEvent(event);
    if (sessionId === undefined) return;
    let ring = this.bySession.get(sessionId);
    if (!ring) this.bySession.set(sessionId, (ring = new Ring()));
    ring.push(event as ConnectionEvent);
  }

  list(sessionId: string, afterMonoUs?: number): ConnectionEvent[] {
    return this.bySession.get(sessionId)?.list(afterMonoUs) ?? [];
  }
}
