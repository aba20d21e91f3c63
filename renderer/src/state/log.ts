import type { CaptureRecord } from '../../../shared/contract';
import type { Encoding } from '../../../shared/codec/options';
import { BatchRecordCursor, MAX_RECORD_BYTES_IN_BATCH, type DecodedBatch } from '../../../shared/contract/batch';
import { encodingCode, encodingFromCode } from '../../../shared/contract/record-encoding';
import type { MessageKey, NoteKey } from '../words';
import type { StampedNote, StampedNotes } from './event-rows';
import { FrameNotifier } from './frame-notifier';

/** What a note says, translated when shown so switching the language changes old notes too. */
export type NoteSay =
  | { key: MessageKey; values?: Record<string, string | number>; detail?: string }
  | { note: NoteKey; values?: Record<string, string | number> }
  | { text: string };

export interface Note {
  tone: 'info' | 'warn' | 'error';
  say: NoteSay;
}

/** What a row of the log is. Records keep their direction as the kind, so one byte says everything. */
export const ROW_RX = 0;
export const ROW_TX = 1;
/** Something that happened: connected, closed, an error, a state change. */
export const ROW_NOTE = 2;
/** Records the engine never sent this view (it fell behind); `gapCount` says how many. */
export const ROW_SKIPPED = 3;
/** Records that arrived while a paused view held the oldest rows and the log was full; the capture has them. */
export const ROW_NOT_KEPT = 4;
export type RowKind = typeof ROW_RX | typeof ROW_TX | typeof ROW_NOTE | typeof ROW_SKIPPED | typeof ROW_NOT_KEPT;

const ROWS_PER_BLOCK = 1 << 16;
const CHUNK_BYTES = 1 << 20;
/** seq, wallUs (f64) · chunk, offset, length, fullLength, connection, peer (32-bit) · kind, sent encoding (u8). */
const BYTES_PER_ROW = 8 + 8 + 6 * 4 + 2;
const BLOCK_BYTES = ROWS_PER_BLOCK * BYTES_PER_ROW;

/**
 * How much a log may hold. One session's log keeps at least `rowsPerSession` rows once it has that many
 * (a million small records: the re-decode benchmark's history) and at most `bytesPerSession` payload
 * bytes; all logs together stay under `totalBytes` of typed storage, so a flood on two sessions cannot
 * double the renderer's memory. At the limits the oldest rows go first, counted as evicted.
 */
export const LOG_LIMITS: LogLimits = {
  rowsPerSession: 1 << 20,
  bytesPerSession: 48 * 1024 * 1024,
  totalBytes: 112 * 1024 * 1024,
};

export interface LogLimits {
  /** A multiple of 65,536 (one block of rows). */
  rowsPerSession: number;
  /** A multiple of 1 MiB (one chunk of payload). */
  bytesPerSession: number;
  totalBytes: number;
}

/** The typed storage every log shares, so one log's growth is paid for by the total, not added to it. */
export class StorageBudget {
  used = 0;
  constructor(readonly totalBytes = LOG_LIMITS.totalBytes) {}
  canTake(bytes: number): boolean {
    return this.used + bytes <= this.totalBytes;
  }
}

/** 65,536 rows, one typed array per field: no object per row. */
class RowBlock {
  readonly seq = new Float64Array(ROWS_PER_BLOCK);
  readonly wallUs = new Float64Array(ROWS_PER_BLOCK);
  /** Which payload chunk (absolute number) and where in it; notes and gaps have none. */
  readonly chunk = new Uint32Array(ROWS_PER_BLOCK);
  readonly offset = new Uint32Array(ROWS_PER_BLOCK);
  /** Bytes held here; the record may be longer (`fullLength`) when a batch carried only its start. Gaps: the count. */
  readonly length = new Uint32Array(ROWS_PER_BLOCK);
  readonly fullLength = new Uint32Array(ROWS_PER_BLOCK);
  /** Indexes into the log's string table; -1 for none (UDP has no connection, a note may have no peer). */
  readonly conn = new Int32Array(ROWS_PER_BLOCK);
  readonly peer = new Int32Array(ROWS_PER_BLOCK);
  readonly kind = new Uint8Array(ROWS_PER_BLOCK);
  /** A tx row of a text send: its encoding as `encodingCode` numbers it; 0 for none. */
  readonly sentEncoding = new Uint8Array(ROWS_PER_BLOCK);
}

const STRING_COMPACT_AT = 1 << 16;

/** The fields of one row, filled by `SessionLog.readRow` in one look-up: a reader keeps one and reuses it. */
export class RowFields {
  kind: RowKind = ROW_NOTE;
  /** Indexes into the log's string table (valid while `SessionLog.stringsVersion` stays the same); -1 for none. */
  conn = -1;
  peer = -1;
  /** The payload chunk, and where in it the row's `length` held bytes are (no view is made). */
  chunk: Uint8Array = new Uint8Array(0);
  offset = 0;
  length = 0;
  fullLength = 0;
  wallUs = 0;
}

/**
 * One session's log: records and notes in arrival order, addressed by a serial number that only grows
 * (the oldest live row is `first`, the next one to come `end`). Payloads sit in 1 MiB chunks, rows in
 * blocks of typed arrays; eviction drops whole chunks and blocks from the front, so appending never
 * moves data and memory is returned in large pieces.
 */
export class SessionLog {
  first: number;
  end: number;
  /** Bumped on every change; a view compares it to know when to repaint. */
  version = 0;
  /** Highest record seq taken in, to drop one that arrives twice (live and in a reconnecting tab's snapshot). */
  lastSeq = 0;
  /** Records below this seq were cleared on purpose and must not come back from a late batch. */
  clearedBefore = 0;
  /** The newest received record, for answering "whoever sent last" over UDP. */
  lastRxSeq = 0;
  /** Records the engine never sent this view (sum of the batches' `skipped`). */
  viewSkipped = 0;
  /** Records refused because a paused view held the rows and the log was full. */
  notKept = 0;
  /** Records and payload bytes this log dropped from its front to stay within its limits. */
  evictedRecords = 0;
  evictedBytes = 0;
  /** Bumped when the log is emptied on purpose: views derived from its rows start over. */
  clears = 0;
  /** Bumped when the string table is compacted: string indexes read before mean nothing after. */
  stringsVersion = 0;
  /** Rows at or after this serial are never evicted: a paused view shows them. */
  pin: number | undefined;
  /** Set while the view is paused: it shows rows before this serial only. */
  frozenEnd: number | undefined;
  /** The end of what the view last drew; pausing freezes there, not at rows that arrived since. */
  shownEnd: number | undefined;

  private blocks: RowBlock[] = [];
  /** Block number (serial / ROWS_PER_BLOCK) of blocks[0]. */
  private blockBase = 0;
  private spareBlock: RowBlock | undefined;
  private chunks: Uint8Array[] = [];
  /** Chunk number of chunks[0]. */
  private chunkBase = 0;
  private writeAt = 0;
  private spareChunk: Uint8Array | undefined;
  private strings: string[] = [];
  private stringIndex = new Map<string, number>();
  private nextCompactAt = STRING_COMPACT_AT;
  private lastString = '';
  private lastStringIndex = -1;
  private readonly notes = new Map<number, Note>();
  private placedChunk = 0;
  private placedOffset = 0;

  constructor(
    private readonly budget: StorageBudget,
    startSerial = 0,
    private readonly limits: LogLimits = LOG_LIMITS,
  ) {
    this.first = startSerial;
    this.end = startSerial;
  }

  get rowCount(): number {
    return this.end - this.first;
  }

  /** Typed storage this log holds, spare pieces included. */
  get storageBytes(): number {
    return (
      (this.blocks.length + (this.spareBlock ? 1 : 0)) * BLOCK_BYTES +
      (this.chunks.length + (this.spareChunk ? 1 : 0)) * CHUNK_BYTES
    );
  }

  // --- reading (for the rows a view shows; each call is O(1)) ---

  private block(serial: number): RowBlock {
    return this.blocks[Math.floor(serial / ROWS_PER_BLOCK) - this.blockBase];
  }

  kind(serial: number): RowKind {
    return this.block(serial).kind[serial % ROWS_PER_BLOCK] as RowKind;
  }

  isRecord(serial: number): boolean {
    return this.kind(serial) <= ROW_TX;
  }

  seq(serial: number): number {
    return this.block(serial).seq[serial % ROWS_PER_BLOCK];
  }

  wallUs(serial: number): number {
    return this.block(serial).wallUs[serial % ROWS_PER_BLOCK];
  }

  /** Index of the connection in the string table, -1 for none: two rows of one TCP stream share it. */
  connIndex(serial: number): number {
    return this.block(serial).conn[serial % ROWS_PER_BLOCK];
  }

  connection(serial: number): string | null {
    const index = this.connIndex(serial);
    return index < 0 ? null : this.strings[index];
  }

  peer(serial: number): string | undefined {
    const index = this.block(serial).peer[serial % ROWS_PER_BLOCK];
    return index < 0 ? undefined : this.strings[index];
  }

  /** The encoding a tx row's text was sent in; undefined for rx rows, hex sends and echoes. */
  sentEncoding(serial: number): Encoding | undefined {
    const block = this.block(serial);
    const i = serial % ROWS_PER_BLOCK;
    return block.kind[i] === ROW_TX ? encodingFromCode(block.sentEncoding[i]) : undefined;
  }

  /** Payload bytes held for the row. */
  length(serial: number): number {
    const block = this.block(serial);
    const i = serial % ROWS_PER_BLOCK;
    return block.kind[i] <= ROW_TX ? block.length[i] : 0;
  }

  /** How long the record really is; more than `length` when only its start is held. */
  fullLength(serial: number): number {
    const block = this.block(serial);
    const i = serial % ROWS_PER_BLOCK;
    return block.kind[i] <= ROW_TX ? block.fullLength[i] : 0;
  }

  /** A view of the held payload, valid until the row is evicted. */
  bytes(serial: number): Uint8Array {
    const block = this.block(serial);
    const i = serial % ROWS_PER_BLOCK;
    const length = block.length[i];
    if (block.kind[i] > ROW_TX || length === 0) return EMPTY;
    const chunk = this.chunks[block.chunk[i] - this.chunkBase];
    return chunk.subarray(block.offset[i], block.offset[i] + length);
  }

  /** Every field of a row into `out`, for readers that go through many rows (a framed view re-splitting). */
  readRow(serial: number, out: RowFields): void {
    const block = this.block(serial);
    const i = serial % ROWS_PER_BLOCK;
    const kind = block.kind[i] as RowKind;
    out.kind = kind;
    out.conn = block.conn[i];
    out.peer = block.peer[i];
    out.wallUs = block.wallUs[i];
    if (kind <= ROW_TX && block.length[i] > 0) {
      out.chunk = this.chunks[block.chunk[i] - this.chunkBase];
      out.offset = block.offset[i];
      out.length = block.length[i];
      out.fullLength = block.fullLength[i];
    } else {
      out.chunk = EMPTY;
      out.offset = 0;
      out.length = 0;
      out.fullLength = kind <= ROW_TX ? block.fullLength[i] : 0;
    }
  }

  /** The string a `RowFields` index stands for. */
  stringAt(index: number): string | undefined {
    return index < 0 ? undefined : this.strings[index];
  }

  /**
   * The payload chunk that holds the row's bytes (from `payloadOffset`, `length` of them), without making a
   * view: a framed view reads a million rows per re-split and must not allocate per row.
   */
  payloadChunk(serial: number): Uint8Array {
    const block = this.block(serial);
    const i = serial % ROWS_PER_BLOCK;
    if (block.kind[i] > ROW_TX || block.length[i] === 0) return EMPTY;
    return this.chunks[block.chunk[i] - this.chunkBase];
  }

  payloadOffset(serial: number): number {
    const block = this.block(serial);
    const i = serial % ROWS_PER_BLOCK;
    return block.kind[i] > ROW_TX || block.length[i] === 0 ? 0 : block.offset[i];
  }

  note(serial: number): Note | undefined {
    return this.notes.get(serial);
  }

  /** Skipped or not-kept rows: how many records the gap stands for. */
  gapCount(serial: number): number {
    const block = this.block(serial);
    const i = serial % ROWS_PER_BLOCK;
    return block.kind[i] === ROW_SKIPPED || block.kind[i] === ROW_NOT_KEPT ? block.fullLength[i] : 0;
  }

  /**
   * The nearest record of the same TCP stream (connection and direction) from `serial` in `step`
   * direction, looking at most `limit` rows and staying inside [lo, hi); -1 when there is none.
   */
  streamNeighbour(serial: number, step: -1 | 1, limit: number, lo: number, hi: number): number {
    const conn = this.connIndex(serial);
    if (conn < 0) return -1;
    const kind = this.kind(serial);
    for (let s = serial + step, n = 0; s >= lo && s < hi && n < limit; s += step, n++) {
      const block = this.block(s);
      const i = s % ROWS_PER_BLOCK;
      if (block.conn[i] === conn && block.kind[i] === kind) return s;
    }
    return -1;
  }

  // --- writing ---

  private intern(text: string): number {
    if (text === this.lastString && this.lastStringIndex >= 0) return this.lastStringIndex;
    let index = this.stringIndex.get(text);
    if (index === undefined) {
      if (this.strings.length >= this.nextCompactAt) this.compactStrings();
      index = this.strings.length;
      this.strings.push(text);
      this.stringIndex.set(text, index);
    }
    this.lastString = text;
    this.lastStringIndex = index;
    return index;
  }

  /** Thousands of short connections over hours would grow the table forever; keep only what live rows use. */
  private compactStrings(): void {
    const remap = new Int32Array(this.strings.length).fill(-1);
    const kept: string[] = [];
    const keep = (index: number): number => {
      if (index < 0) return index;
      if (remap[index] < 0) {
        remap[index] = kept.length;
        kept.push(this.strings[index]);
      }
      return remap[index];
    };
    for (let s = this.first; s < this.end; s++) {
      const block = this.block(s);
      const i = s % ROWS_PER_BLOCK;
      block.conn[i] = keep(block.conn[i]);
      block.peer[i] = keep(block.peer[i]);
    }
    this.strings = kept;
    this.stringIndex = new Map(kept.map((text, index) => [text, index]));
    this.lastStringIndex = -1;
    this.nextCompactAt = Math.max(STRING_COMPACT_AT, kept.length * 2);
    this.stringsVersion++;
  }

  /** Makes sure the row `end` has a place; false when only pinned rows could make room. */
  private slot(): boolean {
    const blockNo = Math.floor(this.end / ROWS_PER_BLOCK);
    if (this.blocks.length > 0 && blockNo - this.blockBase < this.blocks.length) return true;
    const maxBlocks = this.limits.rowsPerSession / ROWS_PER_BLOCK + 1;
    if (
      this.blocks.length >= maxBlocks ||
      (this.blocks.length > 0 && !this.spareBlock && !this.budget.canTake(BLOCK_BYTES))
    ) {
      // Full: the oldest block's rows make room, unless a paused view shows them.
      if (!this.evictTo((this.blockBase + 1) * ROWS_PER_BLOCK)) return false;
    }
    let block = this.spareBlock;
    this.spareBlock = undefined;
    if (!block) {
      block = new RowBlock();
      this.budget.used += BLOCK_BYTES;
    }
    if (this.blocks.length === 0) this.blockBase = blockNo;
    this.blocks.push(block);
    return true;
  }

  /** Finds room for a payload in the newest chunk or a new one; sets placedChunk/placedOffset. */
  private place(length: number): boolean {
    const last = this.chunks.length - 1;
    if (last >= 0 && this.writeAt + length <= CHUNK_BYTES) {
      this.placedChunk = this.chunkBase + last;
      this.placedOffset = this.writeAt;
      return true;
    }
    if (length === 0) {
      this.placedChunk = this.chunkBase;
      this.placedOffset = 0;
      return true;
    }
    const maxChunks = this.limits.bytesPerSession / CHUNK_BYTES;
    // Two chunks are always allowed: the one being filled and the one being emptied.
    if (
      this.chunks.length >= maxChunks ||
      (this.chunks.length >= 2 && !this.spareChunk && !this.budget.canTake(CHUNK_BYTES))
    ) {
      // Evict every row whose payload is in the oldest chunk; the rows are in arrival order, so they are the oldest.
      const oldest = this.chunkBase;
      let target = this.first;
      while (target < this.end) {
        const block = this.block(target);
        const i = target % ROWS_PER_BLOCK;
        if (block.kind[i] <= ROW_TX && block.chunk[i] > oldest) break;
        target++;
      }
      if (!this.evictTo(target)) return false;
      if (this.chunks.length >= maxChunks) return false;
    }
    let chunk = this.spareChunk;
    this.spareChunk = undefined;
    if (!chunk) {
      chunk = new Uint8Array(CHUNK_BYTES);
      this.budget.used += CHUNK_BYTES;
    }
    if (this.chunks.length === 0) this.chunkBase = this.nextChunkNo;
    this.chunks.push(chunk);
    this.nextChunkNo = this.chunkBase + this.chunks.length;
    this.writeAt = 0;
    this.placedChunk = this.chunkBase + this.chunks.length - 1;
    this.placedOffset = 0;
    return true;
  }

  /** Chunk numbers never repeat, so a row can never point into a recycled chunk. */
  private nextChunkNo = 0;

  /** Drops rows before `target`; false (and nothing dropped) when a paused view holds any of them. */
  private evictTo(target: number): boolean {
    target = Math.min(target, this.end);
    if (target <= this.first) return true;
    if (this.pin !== undefined && target > this.pin) return false;
    for (let s = this.first; s < target; s++) {
      const block = this.block(s);
      const i = s % ROWS_PER_BLOCK;
      const kind = block.kind[i];
      if (kind <= ROW_TX) {
        this.evictedRecords++;
        this.evictedBytes += block.length[i];
      } else if (kind === ROW_NOTE) {
        this.notes.delete(s);
      }
    }
    this.first = target;
    this.freeBelowFirst();
    this.version++;
    return true;
  }

  /** Returns blocks and chunks no live row uses; one of each stays as a spare to avoid churn in a flood. */
  private freeBelowFirst(): void {
    while (this.blocks.length > 0 && (this.blockBase + 1) * ROWS_PER_BLOCK <= this.first) {
      const freed = this.blocks.shift()!;
      this.blockBase++;
      if (!this.spareBlock) this.spareBlock = freed;
      else this.budget.used -= BLOCK_BYTES;
    }
    let minChunk = this.chunkBase + this.chunks.length - 1;
    for (let s = this.first; s < this.end; s++) {
      const block = this.block(s);
      const i = s % ROWS_PER_BLOCK;
      if (block.kind[i] <= ROW_TX && block.length[i] > 0) {
        minChunk = block.chunk[i];
        break;
      }
    }
    while (this.chunks.length > 1 && this.chunkBase < minChunk) {
      const freed = this.chunks.shift()!;
      this.chunkBase++;
      if (!this.spareChunk) this.spareChunk = freed;
      else this.budget.used -= CHUNK_BYTES;
    }
  }

  /** Appends a record: its header fields and `length` bytes of `source` from `sourceOffset`, copied in. */
  appendRecord(
    seq: number,
    wallUs: number,
    kind: typeof ROW_RX | typeof ROW_TX,
    connection: string | null,
    peer: string,
    source: Uint8Array,
    sourceOffset: number,
    length: number,
    fullLength: number,
    sentEncoding?: Encoding,
  ): void {
    if (seq <= this.lastSeq || seq < this.clearedBefore) return;
    this.lastSeq = seq;
    if (!this.slot() || !this.place(length)) {
      this.refuse(wallUs);
      return;
    }
    const block = this.block(this.end);
    const i = this.end % ROWS_PER_BLOCK;
    block.seq[i] = seq;
    block.wallUs[i] = wallUs;
    block.kind[i] = kind;
    block.sentEncoding[i] = sentEncoding === undefined ? 0 : encodingCode(sentEncoding);
    block.conn[i] = connection === null ? -1 : this.intern(connection);
    block.peer[i] = this.intern(peer);
    block.chunk[i] = this.placedChunk;
    block.offset[i] = this.placedOffset;
    block.length[i] = length;
    block.fullLength[i] = fullLength;
    if (length > 0) {
      const target = this.chunks[this.placedChunk - this.chunkBase];
      const at = this.placedOffset;
      // A view object per tiny record would be the only allocation on this path; copy small ones by hand.
      if (length <= 64) for (let k = 0; k < length; k++) target[at + k] = source[sourceOffset + k];
      else target.set(source.subarray(sourceOffset, sourceOffset + length), at);
      this.writeAt = at + length;
    }
    if (kind === ROW_RX) this.lastRxSeq = seq;
    this.end++;
    this.version++;
  }

  appendCaptureRecord(record: CaptureRecord): void {
    const length = Math.min(record.bytes.byteLength, MAX_RECORD_BYTES_IN_BATCH);
    this.appendRecord(
      record.seq,
      record.wallUs,
      record.dir === 'rx' ? ROW_RX : ROW_TX,
      record.connectionId,
      record.peer,
      record.bytes,
      0,
      length,
      record.bytes.byteLength,
      record.encoding,
    );
  }

  private refuse(wallUs: number): void {
    this.notKept++;
    this.addGap(ROW_NOT_KEPT, 1, wallUs);
  }

  addNote(wallUs: number, note: Note, peer?: string): void {
    if (!this.slot()) return;
    const block = this.block(this.end);
    const i = this.end % ROWS_PER_BLOCK;
    block.kind[i] = ROW_NOTE;
    block.seq[i] = 0;
    block.wallUs[i] = wallUs;
    block.conn[i] = -1;
    block.peer[i] = peer === undefined ? -1 : this.intern(peer);
    block.length[i] = 0;
    block.fullLength[i] = 0;
    this.notes.set(this.end, note);
    this.end++;
    this.version++;
  }

  /** A gap right after another of its kind grows it instead of adding a row. */
  addGap(kind: typeof ROW_SKIPPED | typeof ROW_NOT_KEPT, count: number, wallUs: number): void {
    if (this.end > this.first && this.kind(this.end - 1) === kind) {
      this.block(this.end - 1).fullLength[(this.end - 1) % ROWS_PER_BLOCK] += count;
      this.version++;
      return;
    }
    if (!this.slot()) return;
    const block = this.block(this.end);
    const i = this.end % ROWS_PER_BLOCK;
    block.kind[i] = kind;
    block.seq[i] = 0;
    block.wallUs[i] = wallUs;
    block.conn[i] = -1;
    block.peer[i] = -1;
    block.length[i] = 0;
    block.fullLength[i] = count;
    this.end++;
    this.version++;
  }

  /** Copies row `serial` of another log to the end of this one (used when merging a snapshot). */
  copyRowFrom(other: SessionLog, serial: number): void {
    const kind = other.kind(serial);
    if (kind <= ROW_TX) {
      const bytes = other.bytes(serial);
      this.appendRecord(
        other.seq(serial),
        other.wallUs(serial),
        kind as typeof ROW_RX,
        other.connection(serial),
        other.peer(serial) ?? '',
        bytes,
        0,
        bytes.byteLength,
        other.fullLength(serial),
        other.sentEncoding(serial),
      );
    } else if (kind === ROW_NOTE) {
      const note = other.note(serial);
      if (note) this.addNote(other.wallUs(serial), note, other.peer(serial));
    } else if (kind === ROW_SKIPPED || kind === ROW_NOT_KEPT) {
      this.addGap(kind, other.gapCount(serial), other.wallUs(serial));
    }
  }

  /** Empties the log on purpose: not counted as evicted, and the counters start again. */
  clear(): void {
    this.release();
    this.first = this.end;
    if (this.frozenEnd !== undefined) this.frozenEnd = this.end;
    this.notes.clear();
    this.viewSkipped = 0;
    this.notKept = 0;
    this.evictedRecords = 0;
    this.evictedBytes = 0;
    this.clears++;
    this.version++;
  }

  /** Gives all typed storage back to the budget. */
  release(): void {
    this.budget.used -= this.storageBytes;
    this.blocks = [];
    this.chunks = [];
    this.spareBlock = undefined;
    this.spareChunk = undefined;
    this.writeAt = 0;
  }
}

const EMPTY = new Uint8Array(0);

/**
 * Views redraw a changing log at most this often (about every other frame at 60 Hz): nobody reads rows
 * that fast, and the frames in between stay free for input and painting.
 */
const MIN_REDRAW_MS = 30;

/**
 * Received data lives here, outside React state: a flood appends thousands of rows a second, and only
 * the panes showing them should notice, once per animation frame, not once per chunk.
 */
class LogStore {
  private readonly budget = new StorageBudget();
  private readonly logs = new Map<string, SessionLog>();
  private readonly notifier = new FrameNotifier(MIN_REDRAW_MS);

  log(sessionId: string): SessionLog {
    let log = this.logs.get(sessionId);
    if (!log) this.logs.set(sessionId, (log = new SessionLog(this.budget)));
    return log;
  }

  /** Typed storage held by every log together. */
  get storageBytes(): number {
    return this.budget.used;
  }

  /** Copies a batch's records into their sessions' logs: no object per record, the bytes copied once. */
  ingest(
    batch: DecodedBatch,
    known: (sessionId: string) => boolean = () => true,
    stamped: StampedNotes | undefined = undefined,
  ): void {
    const cursor = new BatchRecordCursor(batch);
    const nowUs = Date.now() * 1000;
    for (const section of batch.header.sessions) {
      if (!known(section.sessionId)) {
        for (let k = 0; k < section.count; k++) cursor.next();
        continue;
      }
      const log = this.log(section.sessionId);
      if (section.skipped > 0) {
        log.viewSkipped += section.skipped;
        log.addGap(ROW_SKIPPED, section.skipped, nowUs);
      }
      for (let k = 0; k < section.count; k++) {
        if (!cursor.next()) break;
        for (let early = stamped?.takeUpTo(section.sessionId, cursor.monoUs); early;) {
          log.addNote(early.wallUs, early.note, early.peer);
          early = stamped?.takeUpTo(section.sessionId, cursor.monoUs);
        }
        log.appendRecord(
          cursor.seq,
          cursor.wallUs,
          cursor.dir === 'rx' ? ROW_RX : ROW_TX,
          cursor.connectionId,
          cursor.peer,
          batch.bytes,
          cursor.bytesOffset,
          cursor.length,
          cursor.fullLength,
          cursor.encoding,
        );
      }
      if (section.count > 0 || section.skipped > 0) this.changed(section.sessionId);
    }
    if (stamped) {
      for (const late of stamped.rest()) {
        if (!known(late.sessionId)) continue;
        this.log(late.sessionId).addNote(late.wallUs, late.note, late.peer);
        this.changed(late.sessionId);
      }
    }
  }

  note(sessionId: string, tone: Note['tone'], say: NoteSay, peer?: string): void {
    this.log(sessionId).addNote(Date.now() * 1000, { tone, say }, peer);
    this.changed(sessionId);
  }

  /**
   * Records read from the engine's capture (a tab that reconnected), merged with what is here in
   * sequence order (notes by time), without an object per row. Rows get new serials after the old ones.
   * `lines` (connection lines the engine kept, oldest first) go in before the first record stamped later.
   */
  replaceWithSnapshot(sessionId: string, records: CaptureRecord[], lines: readonly StampedNote[] = []): void {
    const old = this.log(sessionId);
    const fresh = new SessionLog(this.budget, old.end);
    fresh.clearedBefore = old.clearedBefore;
    fresh.viewSkipped = old.viewSkipped;
    fresh.notKept = old.notKept;
    fresh.evictedRecords = old.evictedRecords;
    fresh.evictedBytes = old.evictedBytes;
    fresh.lastRxSeq = old.lastRxSeq;
    // The old storage is read while the new one fills; its share of the budget goes first so the merge is not cut
    // short.
    const oldBytes = old.storageBytes;
    this.budget.used -= oldBytes;
    let s = old.first;
    let j = 0;
    let k = 0;
    const linesUpTo = (monoUs: number, wallUs: number) => {
      for (; k < lines.length && lines[k].monoUs <= monoUs && lines[k].wallUs <= wallUs; k++)
        fresh.addNote(lines[k].wallUs, lines[k].note, lines[k].peer);
    };
    const appendRecord = (record: CaptureRecord) => {
      linesUpTo(record.monoUs, Infinity);
      fresh.appendCaptureRecord(record);
    };
    const copyRow = (serial: number) => {
      linesUpTo(Infinity, old.wallUs(serial) - 1);
      fresh.copyRowFrom(old, serial);
    };
    while (s < old.end || j < records.length) {
      if (s >= old.end) {
        appendRecord(records[j++]);
        continue;
      }
      if (j >= records.length) {
        copyRow(s++);
        continue;
      }
      const record = records[j];
      if (old.isRecord(s)) {
        const seq = old.seq(s);
        if (seq === record.seq) j++;
        else if (seq > record.seq) {
          appendRecord(record);
          j++;
          continue;
        }
        copyRow(s++);
      } else if (old.wallUs(s) <= record.wallUs) {
        copyRow(s++);
      } else {
        appendRecord(record);
        j++;
      }
    }
    linesUpTo(Infinity, Infinity);
    this.budget.used += oldBytes;
    old.release();
    fresh.pin = old.pin === undefined ? undefined : fresh.first;
    fresh.frozenEnd = old.frozenEnd === undefined ? undefined : fresh.end;
    fresh.version = old.version + 1;
    this.logs.set(sessionId, fresh);
    this.changed(sessionId);
  }

  clear(sessionId: string, nextSeq?: number): void {
    const log = this.log(sessionId);
    log.clear();
    if (nextSeq !== undefined) log.clearedBefore = Math.max(log.clearedBefore, nextSeq);
    this.changed(sessionId);
  }

  drop(sessionId: string): void {
    this.logs.get(sessionId)?.release();
    this.logs.delete(sessionId);
    this.changed(sessionId);
  }

  /**
   * Pausing freezes the view at the rows there are right now (the click's moment, not the next frame's);
   * resuming lets it follow again and lets the rows it held be evicted.
   */
  freeze(sessionId: string, paused: boolean): void {
    const log = this.log(sessionId);
    log.frozenEnd = paused ? Math.min(log.end, Math.max(log.first, log.shownEnd ?? log.end)) : undefined;
    if (!paused) log.pin = undefined;
    this.changed(sessionId);
  }

  subscribe(sessionId: string, listener: () => void): () => void {
    return this.notifier.subscribe(sessionId, listener);
  }

  private changed(sessionId: string): void {
    this.notifier.changed(sessionId);
  }
}

export const logStore = new LogStore();
export type { LogStore };
