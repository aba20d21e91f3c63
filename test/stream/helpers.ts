import type { EngineEvent } from '../../shared/contract';
import { BatchRecordCursor, decodeBatch, type BatchHeader } from '../../shared/contract/batch';
import { Waiters } from '../helpers/waiters';

/** One record as a user interface receives it from a batch. */
export interface ReceivedRecord {
  sessionId: string;
  seq: number;
  dir: 'rx' | 'tx';
  connectionId: string | null;
  peer: string;
  fullLength: number;
  /** The carried bytes (all of them unless the record was longer than the batch carries). */
  bytes: Buffer;
  /** A text send's encoding, as the batch carried it. */
  encoding?: string;
}

/**
 * What a renderer does with batches, minus the drawing: decodes each (a malformed one fails the test),
 * keeps events and records, adds up skip counts, and acknowledges — at once, later, or never.
 */
export class BatchReceiver {
  readonly headers: BatchHeader[] = [];
  readonly sizes: number[] = [];
  readonly events: EngineEvent[] = [];
  readonly records: ReceivedRecord[] = [];
  readonly skipped = new Map<string, number>();
  malformed = 0;
  /** Acknowledge each batch on the next turn of the event loop, as a renderer does once it has applied it. */
  autoAck: boolean;
  private readonly waiters = new Waiters();

  constructor(
    private readonly sendAck: (batchId: number) => void,
    options: { autoAck?: boolean } = {},
  ) {
    this.autoAck = options.autoAck ?? true;
  }

  get lastBatchId(): number {
    return this.headers.at(-1)?.batchId ?? 0;
  }

  receive(data: Uint8Array): void {
    this.sizes.push(data.byteLength);
    const batch = decodeBatch(data);
    if (!batch) {
      this.malformed++;
      return;
    }
    const { header } = batch;
    this.headers.push(header);
    this.events.push(...header.events);
    for (const section of header.sessions)
      this.skipped.set(section.sessionId, (this.skipped.get(section.sessionId) ?? 0) + section.skipped);
    const cursor = new BatchRecordCursor(batch);
    while (cursor.next()) {
      this.records.push({
        sessionId: cursor.sessionId,
        seq: cursor.seq,
        dir: cursor.dir,
        connectionId: cursor.connectionId,
        peer: cursor.peer,
        fullLength: cursor.fullLength,
        bytes: Buffer.from(cursor.payload()),
        ...(cursor.encoding ? { encoding: cursor.encoding } : {}),
      });
    }
    if (this.autoAck) setImmediate(() => this.sendAck(header.batchId));
    this.waiters.wake();
  }

  ack(batchId = this.lastBatchId): void {
    this.sendAck(batchId);
  }

  recordsOf(sessionId: string): ReceivedRecord[] {
    return this.records.filter((record) => record.sessionId === sessionId);
  }

  skippedOf(sessionId: string): number {
    return this.skipped.get(sessionId) ?? 0;
  }

  /** Resolves once `check` returns something other than undefined, re-checked on every batch. */
  until<T>(check: () => T | undefined, timeoutMs = 10_000, what = 'a batch'): Promise<T> {
    return this.waiters.until(check, timeoutMs, what, () => ` (${this.headers.length} batches so far)`);
  }
}
