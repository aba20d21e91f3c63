import type { CaptureRecord } from '../shared/contract';
import type { Engine } from './engine';

export interface RecordHandlers {
  /**
   * Each new record once, in seq order per session. `record.bytes` is a view into the capture, valid
   * only during the call: copy what you keep.
   */
  onRecord(record: CaptureRecord): void;
  /** Records the capture let go before this reader got to them; a reader that reads at once never sees this. */
  onMissed?(sessionId: string, count: number): void;
}

/**
 * Hands records one by one to a reader that wants each of them (the CLI, tests): the same notice and the
 * same capture the event stream batches from, read as soon as the notice comes. Starts with the records
 * captured after this call; returns the function that stops it.
 */
export function followRecords(
  engine: Pick<Engine, 'onRecords' | 'capture'>,
  handlers: RecordHandlers,
  sessionId?: string,
): () => void {
  const cursors = new Map<string, number>();
  return engine.onRecords((from, nextSeq) => {
    if (sessionId !== undefined && from !== sessionId) return;
    const capture = engine.capture(from);
    if (!capture) return;
    let seq = cursors.get(from) ?? nextSeq - 1;
    // Seqs held are contiguous, so the oldest one follows from the newest and the count.
    const oldest = capture.nextSeq - capture.size;
    if (seq < oldest) {
      handlers.onMissed?.(from, oldest - seq);
      seq = oldest;
    }
    for (; seq < nextSeq; seq++) {
      // Moved first: a handler that makes the engine record again (and so re-enters here) must not repeat this one.
      cursors.set(from, seq + 1);
      const record = capture.get(seq);
      if (record) handlers.onRecord(record);
    }
  });
}
