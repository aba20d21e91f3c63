import type { CaptureRecord } from '../../shared/contract/events';

/**
 * What one record costs beyond its payload: the record object, its strings and the array slot.
 * Counting it keeps millions of empty or one-byte records bounded by the cap too.
 */
export const RECORD_OVERHEAD_BYTES = 96;

/** Compaction copies the live tail down; doing it only once the dead head is this large and at
 *  least half the array keeps append O(1) amortised without holding much dead space. */
const COMPACT_MIN_HEAD = 4096;

export type CaptureFields = Omit<CaptureRecord, 'seq' | 'sessionId'>;

export interface CaptureReadResult {
  records: CaptureRecord[];
  /** Pass this as `fromSeq` to continue where this read stopped. */
  nextSeq: number;
  /** Oldest record still held, 0 when empty; a reader whose `fromSeq` is below it missed records. */
  firstSeq: number;
  evictedRecords: number;
}

export interface CaptureStats {
  records: number;
  /** Payload bytes held. */
  bytes: number;
  capBytes: number;
  evictedRecords: number;
  evictedBytes: number;
  firstSeq: number;
  lastSeq: number;
}

/** `performance.now()` is read once so wall and monotonic stamps of one record agree with each other. */
export function nowStamp(): { wallUs: number; monoUs: number } {
  const now = performance.now();
  return { wallUs: Math.round((performance.timeOrigin + now) * 1000), monoUs: Math.round(now * 1000) };
}

/**
 * The records of one session, oldest first, bounded by a byte cap.
 *
 * Kept records always carry contiguous seqs (eviction removes from the front, clear removes all),
 * so a seq maps to an array index by subtraction: `get` is O(1), `read` is O(limit).
 */
export class CaptureStore {
  readonly sessionId: string;
  private cap: number;
  /** Live records are `recs[head..]`; slots before `head` are cleared so their bytes can be collected. */
  private recs: Array<CaptureRecord | undefined> = [];
  private head = 0;
  private nextSeqToAssign = 1;
  private payloadBytes = 0;
  private evictedRecs = 0;
  private evictedPayload = 0;

  constructor(sessionId: string, capBytes: number) {
    this.sessionId = sessionId;
    this.cap = capBytes;
  }

  get size(): number {
    return this.recs.length - this.head;
  }

  /** The record keeps `fields.bytes` itself: the caller must not reuse that buffer afterwards. */
  append(fields: CaptureFields): CaptureRecord {
    // A literal with a fixed key order keeps every record on one hidden class.
    const rec: CaptureRecord = {
      seq: this.nextSeqToAssign++,
      sessionId: this.sessionId,
      connectionId: fields.connectionId,
      dir: fields.dir,
      wallUs: fields.wallUs,
      monoUs: fields.monoUs,
      peer: fields.peer,
      bytes: fields.bytes,
    };
    this.recs.push(rec);
    this.payloadBytes += rec.bytes.byteLength;
    this.evictToCap();
    return rec;
  }

  read(fromSeq: number, limit: number): CaptureReadResult {
    const count = this.size;
    const base = count > 0 ? this.recs[this.head]!.seq : this.nextSeqToAssign;
    let start = Number.isFinite(fromSeq) ? Math.floor(fromSeq) : base;
    if (start < base) start = base;
    if (start > this.nextSeqToAssign) start = this.nextSeqToAssign;
    const max = Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : count;
    const from = this.head + (start - base);
    const to = Math.min(this.recs.length, from + max);
    const records = this.recs.slice(from, to) as CaptureRecord[];
    return {
      records,
      nextSeq: start + records.length,
      firstSeq: count > 0 ? base : 0,
      evictedRecords: this.evictedRecs,
    };
  }

  get(seq: number): CaptureRecord | undefined {
    if (this.size === 0 || !Number.isInteger(seq)) return undefined;
    const idx = this.head + (seq - this.recs[this.head]!.seq);
    if (idx < this.head || idx >= this.recs.length) return undefined;
    return this.recs[idx];
  }

  /** Returns how many records went; they are not counted as evicted, since the user asked for it. */
  clear(): number {
    const removed = this.size;
    this.recs = [];
    this.head = 0;
    this.payloadBytes = 0;
    return removed;
  }

  setCap(capBytes: number): void {
    this.cap = capBytes;
    this.evictToCap();
  }

  stats(): CaptureStats {
    const count = this.size;
    return {
      records: count,
      bytes: this.payloadBytes,
      capBytes: this.cap,
      evictedRecords: this.evictedRecs,
      evictedBytes: this.evictedPayload,
      firstSeq: count > 0 ? this.recs[this.head]!.seq : 0,
      lastSeq: count > 0 ? this.recs[this.recs.length - 1]!.seq : 0,
    };
  }

  /** The newest record always stays, even alone over the cap: it is what the user is looking at. */
  private evictToCap(): void {
    let count = this.recs.length - this.head;
    while (count > 1 && this.payloadBytes + count * RECORD_OVERHEAD_BYTES > this.cap) {
      const old = this.recs[this.head]!;
      this.recs[this.head] = undefined;
      this.head++;
      count--;
      const n = old.bytes.byteLength;
      this.payloadBytes -= n;
      this.evictedRecs++;
      this.evictedPayload += n;
    }
    if (this.head >= COMPACT_MIN_HEAD && this.head * 2 >= this.recs.length) {
      this.recs.copyWithin(0, this.head);
      this.recs.length = this.recs.length - this.head;
      this.head = 0;
    }
  }
}
