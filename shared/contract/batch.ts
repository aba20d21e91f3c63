import { z } from 'zod';
import type { Encoding } from '../codec/options';
import { EngineEvent, type CaptureRecord } from './events';
import { encodingCode, encodingFromCode, MAX_ENCODING_CODE } from './record-encoding';

// How new records and events travel from the engine to one user interface (an Electron window over IPC,
// a browser tab over the bridge's WebSocket): one packed binary message per flush. Packing matters —
// 10k small records as one ArrayBuffer cross a process boundary ~13× faster than 10k objects holding
// Buffers — and it lets the renderer copy bytes straight into its typed storage without an object per record.
//
// Layout (little-endian):
//   u32 BATCH_MAGIC · u32 header length H · H bytes of UTF-8 JSON (BatchHeader) · records
// Each record, in the order of `header.sessions` (each section holds `count` records, oldest first):
//   f64 seq · f64 wallUs · f64 monoUs · i32 connection (index into header.strings, -1 for none)
//   · u32 peer (index into header.strings) · u32 fullLength · u32 length
//   · u8 dir and encoding: bit 0 the direction (0 rx, 1 tx), bits 1–7 a text send's encoding as
//     `encodingCode` numbers it (0 for none; rx records always 0), so the encoding costs a record nothing
//   · `length` bytes — the first `length` of the record's `fullLength` bytes; the rest stays in the
//     capture store (`capture.read`), so one huge send cannot make a message unbounded.

export const BATCH_MAGIC = 0x31425053; // "SPB1"
export const RECORD_HEADER_BYTES = 8 * 3 + 4 * 4 + 1;

/** No message to a user interface is bigger than this (R-FLOOD: 256 KiB). */
export const MAX_BATCH_BYTES = 256 * 1024;
/** At most one flush per interval: ≤ 50 messages a second to each user interface (R-FLOOD: ≤ 60). */
export const BATCH_INTERVAL_MS = 20;
/** Batches sent and not yet acknowledged by a user interface; a client that stops acknowledging stops receiving. */
export const MAX_UNACKED_BATCHES = 4;
/** The most bytes of one record a batch carries; a longer record is marked with its full length. */
export const MAX_RECORD_BYTES_IN_BATCH = 64 * 1024;

export const BatchSessionSection = z.object({
  sessionId: z.string(),
  /** How many records of this section follow, in seq order. */
  count: z.number().int().min(0),
  /**
   * Records this client will never receive through batches: it fell behind (it had MAX_UNACKED_BATCHES out) or
   * the capture store evicted them first. They precede this section's first record; they may still
   * be in the capture store.
   */
  skipped: z.number().int().min(0),
});
export type BatchSessionSection = z.infer<typeof BatchSessionSection>;

export const BatchHeader = z.object({
  /** 1, 2, 3 … per client; acknowledge it once consumed. */
  batchId: z.number().int().min(1),
  /** The engine's events, in the order they happened; records travel packed after the header. */
  events: z.array(EngineEvent),
  sessions: z.array(BatchSessionSection),
  /** Connection ids and peers, each once, referenced from records by index. */
  strings: z.array(z.string()),
  /** The host had to drop events for this client (it stopped acknowledging for too long): read the state again. */
  resync: z.boolean().optional(),
});
export type BatchHeader = z.infer<typeof BatchHeader>;

/** A batch checked and split into its JSON header and its packed records. */
export interface DecodedBatch {
  header: BatchHeader;
  /** The whole message; records start at `recordsOffset`. */
  bytes: Uint8Array;
  recordsOffset: number;
}

/** One record's fields without its bytes, as a store describes it into a reused object (`CaptureStore.describe`). */
export interface RecordFields extends Pick<
  CaptureRecord,
  'seq' | 'wallUs' | 'monoUs' | 'connectionId' | 'peer' | 'dir' | 'encoding'
> {
  /** The payload's full length in bytes. */
  length: number;
}

/** Where a record's payload is copied from: the capture store. */
export interface PayloadSource {
  /** Copies the first `max` bytes of record `seq`'s payload into `target` at `at`; returns how many it copied. */
  copyPayload(seq: number, target: Uint8Array, at: number, max: number): number;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/**
 * Builds one batch. The engine side writes every record header and payload into a reusable staging
 * area, then `finish` puts the JSON header in front; the one copy at the end is at most MAX_BATCH_BYTES.
 */
export class BatchWriter {
  private staging: Uint8Array;
  private view: DataView;
  private used = 0;
  private readonly events: EngineEvent[] = [];
  private eventBytes = 0;
  private readonly sections: BatchSessionSection[] = [];
  private readonly strings: string[] = [];
  private readonly stringIndex = new Map<string, number>();
  private stringBytes = 0;
  private resync = false;

  constructor(
    private readonly batchId: number,
    staging?: Uint8Array,
  ) {
    this.staging = staging ?? new Uint8Array(64 * 1024);
    this.view = new DataView(this.staging.buffer, this.staging.byteOffset, this.staging.byteLength);
  }

  /** A close upper bound of the finished message's size, for staying under MAX_BATCH_BYTES. */
  get size(): number {
    return 8 + 96 + this.eventBytes + this.stringBytes + this.sections.length * 64 + this.used;
  }

  get isEmpty(): boolean {
    return this.events.length === 0 && this.sections.length === 0 && !this.resync;
  }

  /** `jsonBytes` is the event's JSON size if the caller measured it already. */
  addEvent(event: EngineEvent, jsonBytes = eventJsonBytes(event)): void {
    this.events.push(event);
    this.eventBytes += jsonBytes + 1;
  }

  markResync(): void {
    this.resync = true;
  }

  /** Starts the section the next records belong to. */
  beginSession(sessionId: string, skipped: number): void {
    this.sections.push({ sessionId, count: 0, skipped });
    this.stringBytes += jsonStringBytes(sessionId);
  }

  /** What adding this record would add to `size`, given how many of its bytes the batch would carry. */
  static recordCost(carriedBytes: number): number {
    return RECORD_HEADER_BYTES + carriedBytes;
  }

  /** What `beginSession` adds to `size`. */
  static sectionCost(sessionId: string): number {
    return 64 + jsonStringBytes(sessionId);
  }

  /** What a connection id or peer adds to `size` the first time a record of this batch refers to it. */
  static stringCost(text: string): number {
    return jsonStringBytes(text) + 1;
  }

  /** Appends a record to the current section, carrying at most `maxBytes` of its payload. */
  addRecord(record: CaptureRecord, maxBytes = MAX_RECORD_BYTES_IN_BATCH): void {
    this.checkSection(record.sessionId);
    const carried = Math.min(record.bytes.byteLength, Math.max(0, maxBytes));
    const at = this.writeRecordHeader(record, record.bytes.byteLength, carried);
    this.staging.set(carried === record.bytes.byteLength ? record.bytes : record.bytes.subarray(0, carried), at);
    this.used = at + carried;
    this.sections[this.sections.length - 1]!.count++;
  }

  /**
   * `addRecord` for a record the source describes field by field and copies straight into the batch, so
   * building a batch makes no object per record (the engine batches up to hundreds of thousands a second).
   */
  addRecordFrom(
    sessionId: string,
    fields: RecordFields,
    source: PayloadSource,
    maxBytes = MAX_RECORD_BYTES_IN_BATCH,
  ): void {
    this.checkSection(sessionId);
    const carried = Math.min(fields.length, Math.max(0, maxBytes));
    const at = this.writeRecordHeader(fields, fields.length, carried);
    const copied = source.copyPayload(fields.seq, this.staging, at, carried);
    if (copied !== carried) throw new Error(`Record #${fields.seq} is no longer held.`);
    this.used = at + carried;
    this.sections[this.sections.length - 1]!.count++;
  }

  private checkSection(sessionId: string): void {
    const section = this.sections[this.sections.length - 1];
    if (!section || section.sessionId !== sessionId)
      throw new Error('addRecord needs a beginSession for its session first.');
  }

  /** Reserves room for the header and `carried` bytes, writes the header; returns where the bytes go. */
  private writeRecordHeader(
    record: Pick<CaptureRecord, 'seq' | 'wallUs' | 'monoUs' | 'connectionId' | 'peer' | 'dir' | 'encoding'>,
    fullLength: number,
    carried: number,
  ): number {
    this.reserve(RECORD_HEADER_BYTES + carried);
    const view = this.view;
    const at = this.used;
    view.setFloat64(at, record.seq, true);
    view.setFloat64(at + 8, record.wallUs, true);
    view.setFloat64(at + 16, record.monoUs, true);
    view.setInt32(at + 24, record.connectionId === null ? -1 : this.intern(record.connectionId), true);
    view.setUint32(at + 28, this.intern(record.peer), true);
    view.setUint32(at + 32, fullLength, true);
    view.setUint32(at + 36, carried, true);
    const encoding = record.encoding;
    view.setUint8(at + 40, record.dir === 'rx' ? 0 : encoding === undefined ? 1 : 1 | (encodingCode(encoding) << 1));
    return at + RECORD_HEADER_BYTES;
  }

  /**
   * The finished batch. With `into` big enough, it is written there and a view of `into` comes back, so a caller that
   * reuses its buffers allocates nothing per batch; otherwise it gets a new array of exactly the batch's size.
   */
  finish(into?: Uint8Array): Uint8Array {
    const header: BatchHeader = {
      batchId: this.batchId,
      events: this.events,
      sessions: this.sections,
      strings: this.strings,
    };
    if (this.resync) header.resync = true;
    const json = utf8Encoder.encode(JSON.stringify(header));
    const size = 8 + json.byteLength + this.used;
    const out = into && into.byteLength >= size ? into.subarray(0, size) : new Uint8Array(size);
    const view = new DataView(out.buffer, out.byteOffset, size);
    view.setUint32(0, BATCH_MAGIC, true);
    view.setUint32(4, json.byteLength, true);
    out.set(json, 8);
    out.set(this.staging.subarray(0, this.used), 8 + json.byteLength);
    return out;
  }

  private intern(text: string): number {
    let index = this.stringIndex.get(text);
    if (index === undefined) {
      index = this.strings.length;
      this.strings.push(text);
      this.stringIndex.set(text, index);
      this.stringBytes += jsonStringBytes(text) + 1;
    }
    return index;
  }

  private reserve(extra: number): void {
    if (this.used + extra <= this.staging.byteLength) return;
    let size = this.staging.byteLength * 2;
    while (size < this.used + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.staging.subarray(0, this.used));
    this.staging = grown;
    this.view = new DataView(grown.buffer);
  }
}

/**
 * An upper bound of a string's size as JSON in UTF-8, quotes included, without encoding it: control
 * characters become \u00XX, and a surrogate is counted as if escaped alone (a pair is 4 bytes).
 */
function jsonStringBytes(text: string): number {
  let bytes = 2;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20) bytes += 6;
    else if (code === 0x22 || code === 0x5c) bytes += 2;
    else if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdfff) bytes += 6;
    else bytes += 3;
  }
  return bytes;
}

/** JSON size of an event as a batch header carries it, in UTF-8 bytes, counted without encoding a copy. */
export function eventJsonBytes(event: EngineEvent): number {
  const json = JSON.stringify(event);
  let bytes = json.length;
  for (let i = 0; i < json.length; i++) {
    const code = json.charCodeAt(i);
    // A surrogate pair is 4 UTF-8 bytes for 2 UTF-16 units; JSON.stringify escapes lone surrogates.
    if (code >= 0x80) bytes += code < 0x800 ? 1 : code >= 0xd800 && code <= 0xdfff ? 1 : 2;
  }
  return bytes;
}

/**
 * Checks a batch from the other side of a process boundary: the magic, the header against the contract,
 * and that every record lies inside the message and points at a string that exists. Anything else is
 * `undefined` — a malformed batch is dropped whole, never half-applied.
 */
export function decodeBatch(data: ArrayBuffer | Uint8Array): DecodedBatch | undefined {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (bytes.byteLength < 8) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== BATCH_MAGIC) return undefined;
  const headerLength = view.getUint32(4, true);
  if (8 + headerLength > bytes.byteLength) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(utf8Decoder.decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    return undefined;
  }
  const parsed = BatchHeader.safeParse(raw);
  if (!parsed.success) return undefined;
  const header = parsed.data;
  const recordsOffset = 8 + headerLength;
  let at = recordsOffset;
  let total = 0;
  for (const section of header.sessions) total += section.count;
  for (let i = 0; i < total; i++) {
    if (at + RECORD_HEADER_BYTES > bytes.byteLength) return undefined;
    const connection = view.getInt32(at + 24, true);
    const peer = view.getUint32(at + 28, true);
    const fullLength = view.getUint32(at + 32, true);
    const length = view.getUint32(at + 36, true);
    const dir = view.getUint8(at + 40);
    if (connection < -1 || connection >= header.strings.length || peer >= header.strings.length) return undefined;
    if (length > fullLength) return undefined;
    // Only a tx record may name an encoding, and only one this build knows.
    if ((dir & 1) === 0 ? dir !== 0 : dir >> 1 > MAX_ENCODING_CODE) return undefined;
    at += RECORD_HEADER_BYTES + length;
    if (at > bytes.byteLength) return undefined;
  }
  if (at !== bytes.byteLength) return undefined;
  return { header, bytes, recordsOffset };
}

/**
 * Walks the records of a decoded batch without creating an object per record: read the fields after
 * each `next()` that returned true. `payload()` is a view into the batch, valid as long as the batch.
 */
export class BatchRecordCursor {
  /** The section's session; skip counts are in `header.sessions`, which also lists sections with no records. */
  sessionId = '';
  seq = 0;
  wallUs = 0;
  monoUs = 0;
  dir: 'rx' | 'tx' = 'rx';
  /** A text send's encoding (tx only); undefined for received bytes and hex sends. */
  encoding: Encoding | undefined = undefined;
  connectionId: string | null = null;
  peer = '';
  fullLength = 0;
  length = 0;
  /** Where this record's carried bytes start in `batch.bytes`. */
  bytesOffset = 0;

  private readonly view: DataView;
  private at: number;
  private section = -1;
  private leftInSection = 0;

  constructor(private readonly batch: DecodedBatch) {
    const { bytes } = batch;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.at = batch.recordsOffset;
  }

  next(): boolean {
    const { header } = this.batch;
    while (this.leftInSection === 0) {
      this.section++;
      if (this.section >= header.sessions.length) return false;
      const section = header.sessions[this.section];
      this.sessionId = section.sessionId;
      this.leftInSection = section.count;
    }
    this.leftInSection--;
    const view = this.view;
    const at = this.at;
    this.seq = view.getFloat64(at, true);
    this.wallUs = view.getFloat64(at + 8, true);
    this.monoUs = view.getFloat64(at + 16, true);
    const connection = view.getInt32(at + 24, true);
    this.connectionId = connection < 0 ? null : header.strings[connection];
    this.peer = header.strings[view.getUint32(at + 28, true)];
    this.fullLength = view.getUint32(at + 32, true);
    this.length = view.getUint32(at + 36, true);
    const dirAndEncoding = view.getUint8(at + 40);
    this.dir = (dirAndEncoding & 1) === 0 ? 'rx' : 'tx';
    this.encoding = encodingFromCode(dirAndEncoding >> 1);
    this.bytesOffset = at + RECORD_HEADER_BYTES;
    this.at = this.bytesOffset + this.length;
    return true;
  }

  payload(): Uint8Array {
    return this.batch.bytes.subarray(this.bytesOffset, this.bytesOffset + this.length);
  }
}
