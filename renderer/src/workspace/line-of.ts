import type { ConnectionEvent, SessionKind } from '../../../shared/contract';
import type { StampedNote } from '../state/event-rows';
import type { Note } from '../state/log';

/**
 * The line a connection event makes in the log, worded as the live one (state/sync.ts): a client's connect
 * says where to and from; a server's, who connected.
 */
export function lineOf(event: ConnectionEvent, kind: SessionKind | undefined, peers: Map<string, string>): StampedNote {
  const stamp = { wallUs: event.wallUs, monoUs: event.monoUs };
  const line = (sessionId: string, note: Note, peer?: string): StampedNote => ({ sessionId, note, peer, ...stamp });
  switch (event.type) {
    case 'connection.opened': {
      const { connection } = event;
      peers.set(connection.connectionId, connection.peer);
      return line(
        connection.sessionId,
        {
          tone: 'info',
          say:
            kind === 'tcp-client'
              ? { key: 'connectedTo', values: { remote: connection.peer, local: connection.local } }
              : { note: 'connected' },
        },
        connection.peer,
      );
    }
    case 'connection.halfClosed':
      return line(
        event.sessionId,
        { tone: 'info', say: { note: event.by === 'peer' ? 'peerHalfClosed' : 'usHalfClosed' } },
        peers.get(event.connectionId),
      );
    case 'connection.closed':
      return line(
        event.connection.sessionId,
        {
          tone: event.reason === 'reset' || event.reason === 'error' ? 'warn' : 'info',
          say: {
            key: `close.${event.reason}`,
            detail: event.error ? `${event.error.message}${event.error.hint ? ` ${event.error.hint}` : ''}` : undefined,
          },
        },
        event.connection.peer,
      );
    case 'connection.refused':
      return line(
        event.sessionId,
        {
          tone: 'warn',
          say: { note: 'refused', values: { limit: event.limit === 'maxClients' ? 'max clients' : 'per-address' } },
        },
        event.peer,
      );
  }
}
