import type { Note } from './log';

/** A note for something the engine stamped (a connection opened, closed, half-closed or refused). */
export interface StampedNote {
  sessionId: string;
  note: Note;
  peer?: string;
  /** The engine's clocks where it happened: wall time for showing, monotonic time for ordering. */
  wallUs: number;
  monoUs: number;
}

/**
 * One batch's stamped notes, per session, in the engine's order. The log takes them while it copies the
 * batch's records in, each before the first record the engine stamped later, so a connection's rows read
 * opened → data → closed as they happened on the wire.
 */
export class StampedNotes {
  private readonly bySession = new Map<string, StampedNote[]>();
  private readonly taken = new Map<string, number>();

  add(stamped: StampedNote): void {
    let list = this.bySession.get(stamped.sessionId);
    if (!list) this.bySession.set(stamped.sessionId, (list = []));
    list.push(stamped);
  }

  /** The next note of the session stamped at or before `monoUs`, or undefined. */
  takeUpTo(sessionId: string, monoUs: number): StampedNote | undefined {
    const list = this.bySession.get(sessionId);
    if (!list) return undefined;
    const at = this.taken.get(sessionId) ?? 0;
    if (at >= list.length || list[at].monoUs > monoUs) return undefined;
    this.taken.set(sessionId, at + 1);
    return list[at];
  }

  /** Every note not taken yet, session by session: they come after all of the batch's records. */
  *rest(): Iterable<StampedNote> {
    for (const [sessionId, list] of this.bySession) {
      for (let at = this.taken.get(sessionId) ?? 0; at < list.length; at++) yield list[at];
      this.taken.set(sessionId, list.length);
    }
  }
}
