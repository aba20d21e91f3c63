import { sessionOfConnectionEvent, type SessionKind } from '../../../shared/contract';
import type { EngineLink } from '../link';
import { run } from '../state/actions';
import type { StampedNote } from '../state/event-rows';
import { lineOf } from './line-of';

// A page that reloads has lost the connect and close lines it drew; the engine keeps the newest of them
// (`connection.events`) and the snapshot puts them back among the records, by the engine's stamps. A tab that
// only lost its link asks just for the lines after the newest one it saw, so none shows twice.

/** Per session, the stamp of the newest connection line this page has (from a batch or a snapshot). */
const newestSeen = new Map<string, number>();
/**
 * Per session, the stamp of the newest line a snapshot brought. A batch that was on its way while the snapshot
 * was read can carry the same event again: its line is already in the log.
 */
const snapshotUpTo = new Map<string, number>();

/** Whether a live connection event's line is one a snapshot already put in the log. */
export function shownBySnapshot(sessionId: string, monoUs: number): boolean {
  const upTo = snapshotUpTo.get(sessionId);
  return upTo !== undefined && monoUs <= upTo;
}

function saw(sessionId: string, monoUs: number): void {
  newestSeen.set(sessionId, Math.max(newestSeen.get(sessionId) ?? 0, monoUs));
}

/** Follows the batches for the newest connection line per session; a cleared log starts again from nothing. */
export function watchConnectionLines(link: EngineLink): void {
  link.onBatch((batch) => {
    for (const event of batch.header.events) {
      if (event.type === 'capture.cleared' || event.type === 'session.removed') {
        newestSeen.delete(event.sessionId);
        snapshotUpTo.delete(event.sessionId);
      }
      const sessionId = sessionOfConnectionEvent(event);
      if (sessionId !== undefined && 'monoUs' in event) saw(sessionId, event.monoUs);
    }
  });
}

/** The session's connection lines this page does not have yet, oldest first; none when the engine cannot say. */
export async function missingConnectionLines(sessionId: string, kind: SessionKind): Promise<StampedNote[]> {
  const after = newestSeen.get(sessionId);
  const result = await run({
    type: 'connection.events',
    sessionId,
    ...(after !== undefined ? { afterMonoUs: after } : {}),
  });
  if (!result.ok) return [];
  const peers = new Map<string, string>();
  const lines = result.value.events.map((event) => lineOf(event, kind, peers));
  for (const event of result.value.events) {
    saw(sessionId, event.monoUs);
    snapshotUpTo.set(sessionId, Math.max(snapshotUpTo.get(sessionId) ?? 0, event.monoUs));
  }
  return lines;
}
