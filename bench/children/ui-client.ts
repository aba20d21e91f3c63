import { BatchRecordCursor, decodeBatch } from '../../shared/contract/batch';

// Stands in for the renderer, in a process of its own as the renderer is: takes each batch as the window
// would (a copy of the bytes over IPC), checks and decodes it with the contract's decodeBatch, tallies
// what it got, and acknowledges it.

export interface UiTotals {
  batches: number;
  /** Batches that failed decodeBatch; always 0 unless the stream is broken. */
  invalid: number;
  records: number;
  /** Records the stream said this client skipped (fell behind, or evicted before they could be sent). */
  skipped: number;
  /** Payload bytes carried in batches (a record may carry only its first bytes). */
  carriedBytes: number;
  events: number;
  resyncs: number;
  largestBatchBytes: number;
  lastBatchId: number;
  /** CPU time of this process so far: what the renderer would spend taking the batches in. */
  cpuMs: number;
}

const totals: UiTotals = {
  batches: 0,
  invalid: 0,
  records: 0,
  skipped: 0,
  carriedBytes: 0,
  events: 0,
  resyncs: 0,
  largestBatchBytes: 0,
  lastBatchId: 0,
  cpuMs: 0,
};

const reply = (message: { ack?: number; totals?: UiTotals; ready?: true }) => process.send?.(message);

process.on('message', (message: Uint8Array | 'totals') => {
  if (message === 'totals') {
    const cpu = process.cpuUsage();
    reply({ totals: { ...totals, cpuMs: (cpu.user + cpu.system) / 1000 } });
    return;
  }
  totals.batches++;
  const batch = decodeBatch(message);
  if (!batch) {
    totals.invalid++;
    return;
  }
  const { header } = batch;
  for (const section of header.sessions) {
    totals.records += section.count;
    totals.skipped += section.skipped;
  }
  // Walking every record is what a renderer does to copy them into its storage.
  const cursor = new BatchRecordCursor(batch);
  while (cursor.next()) totals.carriedBytes += cursor.length;
  totals.events += header.events.length;
  if (header.resync) totals.resyncs++;
  totals.largestBatchBytes = Math.max(totals.largestBatchBytes, message.byteLength);
  totals.lastBatchId = header.batchId;
  reply({ ack: header.batchId });
});
process.on('disconnect', () => process.exit(0));
reply({ ready: true });
