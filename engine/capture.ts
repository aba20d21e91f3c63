import { performance } from 'node:perf_hooks';
import type { RecordFields } from '../shared/contract/batch';
import type { CaptureRecord } from '../shared/contract/events';
import { encodingCode, encodingFromCode } from '../shared/contract/record-encoding';

/**
 * What one record costs beyond its payload: its slots in the typed columns (seq is implied; wall and
 * monotonic time, block, offset, length, connection, peer, direction, tx encoding ≈ 42 bytes) rounded up for the
 * columns' spare capacity. Counting it keeps millions of empty records bounded by the cap too.
 */
export const RECORD_OVERHEAD_BYTES = 64;

/**
 * Small payloads are copied into blocks of this size. Keeping the socket's own small Buffers costs far
 * more than the copy: each is a JS object plus a separate allocation that only a full garbage collection
 * frees once the store lets go of it (measured: ~700 B of RSS per 20-byte UDP datagram kept, ~90 B copied).
 */
const BLOCK_BYTES = 4 * 1024 * 1024;
/**
 * A payload at least this big is kept as the Buffer it arrived in instead of being copied. For TCP's
 * 64 KiB reads the copy lost more than it saved: copying every chunk through a 64 MiB ring evicts the
 * CPU caches the kernel's next receive copy needs (server kernel time +50 %; ingest 0.55× of a bare
 * server against 0.75× when kept, in `npm run bench -- tcp`). Big chunks are few objects per GiB, so
 * the collector hardly notices them; it is the small ones that must not each be an object.
 */
const KEEP_BUFFER_BYTES = 8 * 1024;
/** Emptied blocks kept for reuse, so a steady flood allocates nothing. */
const SPARE_BLOCKS = 2;
/**
 * Blocks `prepare` touches before a session's socket opens. The first records a session takes are written by code
 * V8 has not optimised yet, and into memory the system has not mapped yet (a page fault per 4 KiB, ~2.7 µs each
 * here); together they made the engine fall behind a 100k/s flood of 1400-byte datagrams for its first ~80 ms and
 * the socket's 8 MiB receive buffer overflow. With the first 8 MiB touched beforehand, the paced 1400-byte run lost
 * nothing in 4 of 4 single runs against 1 of 4 without, and in 2 of 3 full `npm run bench -- udp` runs (every earlier
 * full run had lost some); by the time those blocks are full the code is fast enough to take the page faults.
 */
const PREPARED_BLOCKS = 2;
const PAGE_BYTES = 4096;
/**
 * How much of the cap `prepare` allocates in blocks beyond the PREPARED_BLOCKS it touches. The rest are allocated and
 * not touched: address space, no resident memory until records fill them. V8 counts every new block as external
 * memory, and when that grew by tens of MiB within a second (a store filling its first 64 MiB during a flood) it ran
 * full collections one after another. On half a core (`npm run bench -- udp`'s constrained 1400-byte row) a store
 * filling during the flood ran 3–6 of them and the kernel dropped a median 14,674 datagrams in the flood's first
 * second; with its blocks allocated beforehand it ran 1, and 7,586 were dropped (6 runs each, alternating). A bigger
 * cap takes seconds to fill at any rate a socket delivers, so the rest of it is allocated as records come.
 */
const RESERVED_BYTES = 64 * 1024 * 1024;
/**
 * How much of a block one read into the capture (`reserveRead`) may fill. Four times Node's own 64 KiB: a
 * flood that has piled up in the socket comes in a quarter as many reads, records and callbacks (server
 * CPU per GiB in `npm run bench -- tcp` 455–592 ms against 685–719 ms with 64 KiB areas, bare Node
 * 528–606 ms, on a busy machine). The unused rest of an area goes back to the block when nothing was lent
 * after it, so small reads cost no more room.
 */
export const READ_AREA_BYTES = 256 * 1024;
/**
 * A read into an area becomes records of at most this many bytes, as Node's own reads were: a row in the
 * window holds up to 64 KiB of its record (MAX_RECORD_BYTES_IN_BATCH), so search and copy there see all of it.
 */
export const MAX_READ_RECORD_BYTES = 64 * 1024;
/**
 * At most this many read areas are lent at once per store; more connections sending in bulk at once read
 * through the shared read buffer and are copied in. An area keeps its whole block from being reused until
 * its socket reads again or closes, so this bounds what connections that flooded and then went quiet can
 * hold beyond the cap: 8 blocks of 4 MiB.
 */
const MAX_READ_AREAS = 8;
const NO_CONNECTION = -1;
const NO_BYTES = new Uint8Array(0);
const KEPT_BUFFER = -1;

export type CaptureFields = Omit<CaptureRecord, 'seq' | 'sessionId'>;

/**
 * Part of a capture block lent to one socket to read into (`reserveRead`); the next read either becomes a
 * record in place (`commitRead`) or gives the area back (`releaseRead`). One per connection, reused.
 */
export class ReadArea {
  /** The block lent, -1 while nothing is. */
  block = -1;
  offset = 0;
  bytes: Uint8Array = NO_BYTES;
  /** The store that lent it; a read area serves one store at a time. */
  store: CaptureStore | undefined;
}

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

/**
 * Read once: the getter costs a third of `performance.now()` itself, on a path taken for every datagram. The clock is
 * perf_hooks' own object: the global `performance` is a lazy accessor that optimised code still calls every time.
 */
const TIME_ORIGIN_MS = performance.timeOrigin;

/** `performance.now()` is read once so wall and monotonic stamps of one record agree with each other. */
export function nowStamp(): { wallUs: number; monoUs: number } {
  const stamp = { wallUs: 0, monoUs: 0 };
  stampInto(stamp);
  return stamp;
}

/** As `nowStamp`, written into `into` instead of a new object: for paths taken once per datagram. */
export function stampInto(into: { wallUs: number; monoUs: number }): void {
  const now = performance.now();
  into.wallUs = Math.round((TIME_ORIGIN_MS + now) * 1000);
  into.monoUs = Math.round(now * 1000);
}

/**
 * What a reader of a session's records may do: follow `nextSeq`, fetch a record (a view, valid until the
 * next append) or copies of a range. Nothing that changes the store.
 */
export type CaptureReader = Pick<
  CaptureStore,
  'sessionId' | 'nextSeq' | 'size' | 'get' | 'read' | 'stats' | 'describe' | 'copyPayload'
>;

/** A payload block, and how many records and lent read areas still hold it. */
interface Block {
  readonly bytes: Uint8Array;
  live: number;
}

/**
 * The records of one session, oldest first, bounded by a byte cap (payload plus RECORD_OVERHEAD_BYTES per
 * record): metadata in typed columns used as a ring, small payloads copied into 4 MiB blocks, big ones
 * kept as they arrived, connection ids and peers interned. No small record has an object of its own, so a
 * flood of tiny datagrams costs what the cap says and gives the garbage collector nothing to trace.
 *
 * Kept records always carry contiguous seqs (eviction removes from the front, clear removes all), so a
 * seq maps to a ring slot by subtraction: `get` is O(1), `read` is O(limit).
 */
export class CaptureStore {
  readonly sessionId: string;
  private cap: number;

  // Columns, a ring of `slots` (a power of two); record i (0 = oldest) sits at (first + i) & (slots - 1).
  private slots = 0;
  private first = 0;
  private count = 0;
  private wallUs = new Float64Array(0);
  private monoUs = new Float64Array(0);
  private block = new Int32Array(0);
  private offset = new Uint32Array(0);
  private length = new Uint32Array(0);
  private connection = new Int32Array(0);
  private peer = new Int32Array(0);
  private dir = new Uint8Array(0);
  /** A text send's encoding as `encodingCode` numbers it; 0 for none. */
  private encoding = new Uint8Array(0);
  /** Payloads kept as they arrived (KEEP_BUFFER_BYTES and up), by slot; `block` is KEPT_BUFFER there. */
  private kept: Array<Uint8Array | undefined> = [];

  // Payload blocks by id; the current one fills from `fill`. A block is freed when its last record goes.
  private blocks = new Map<number, Block>();
  private nextBlockId = 0;
  private current = -1;
  /** `blocks.get(current)`, at hand: every small record is copied into it. */
  private currentBlock: Block | undefined;
  /** The block the last release went to: evictions release the same oldest block thousands of times in a row. */
  private releasedId = -1;
  private releasedBlock: Block | undefined;
  private fill = 0;
  private spare: Uint8Array[] = [];
  /** Read areas lent out, by block: each counts in its block's `live` too, so a lent block is never reused. */
  private readAreas = new Map<number, number>();
  private readAreasOut = 0;

  private strings: Array<string | undefined> = [];
  private stringRefs: number[] = [];
  private stringIds = new Map<string, number>();
  private freeStrings: number[] = [];
  private lastInterned: string | undefined;
  private lastInternedId = -1;

  private firstSeqHeld = 1;
  private nextSeqToAssign = 1;
  private payloadBytes = 0;
  private evictedRecs = 0;
  private evictedPayload = 0;

  constructor(sessionId: string, capBytes: number) {
    this.sessionId = sessionId;
    this.cap = capBytes;
  }

  /** The seq the next appended record will get. */
  get nextSeq(): number {
    return this.nextSeqToAssign;
  }

  get size(): number {
    return this.count;
  }

  /**
   * Copies the payload in; the returned record keeps the caller's `bytes`, so the capture file writes
   * exactly what arrived without another copy.
   */
  append(fields: CaptureFields): CaptureRecord {
    const seq = this.appendSeq(fields, fields.bytes.byteLength, false);
    return this.recordOf(seq, fields);
  }

  /** As `append`, without making the record object: returns the record's seq (`recordOf` makes one if needed). */
  appendFields(fields: CaptureFields, size = fields.bytes.byteLength): number {
    return this.appendSeq(fields, size, false);
  }

  /**
   * Appends a record whose bytes the caller will reuse (a shared read buffer): they are always copied in,
   * whatever their size. Returns the record's seq; no record object is made.
   */
  appendCopy(fields: CaptureFields): number {
    return this.appendSeq(fields, fields.bytes.byteLength, true);
  }

  /**
   * Lends `area` the room for one read (READ_AREA_BYTES) in the block being filled, so the kernel writes the
   * next read straight into the capture. Returns false when this store already lends MAX_READ_AREAS.
   */
  reserveRead(area: ReadArea): boolean {
    if (area.block >= 0) return true;
    if (this.readAreasOut >= MAX_READ_AREAS) return false;
    const at = this.room(READ_AREA_BYTES);
    const id = this.current;
    const block = this.currentBlock!;
    block.live++;
    this.readAreas.set(id, (this.readAreas.get(id) ?? 0) + 1);
    this.readAreasOut++;
    this.fill = at + READ_AREA_BYTES;
    area.block = id;
    area.offset = at;
    area.bytes = block.bytes.subarray(at, at + READ_AREA_BYTES);
    area.store = this;
    return true;
  }

  /**
   * Part of the read into `area` — `fields.bytes`, a view of at most MAX_READ_RECORD_BYTES inside
   * `area.bytes` — becomes a record where it lies, without a copy. Returns its seq. The area stays lent until
   * `finishRead`, so the caller can tell readers about each part before the next one may evict it.
   */
  commitRead(area: ReadArea, fields: CaptureFields): number {
    const n = fields.bytes.byteLength;
    const id = area.block;
    // The record takes a hold on the block before evicting, so evicting cannot recycle the block under it.
    this.blocks.get(id)!.live++;
    this.evictFor(n);
    const slot = this.nextSlot(fields, n);
    this.block[slot] = id;
    this.offset[slot] = area.offset + (fields.bytes.byteOffset - area.bytes.byteOffset);
    return this.nextSeqToAssign++;
  }

  /** The read into `area` brought `n` bytes, all committed: the area goes back, the room it did not use too. */
  finishRead(area: ReadArea, n: number): void {
    const id = area.block;
    const at = area.offset;
    this.returnArea(area);
    // Nobody took room after this area: the unused rest of it goes back to the block.
    if (id === this.current && this.fill === at + READ_AREA_BYTES) this.fill = at + n;
    this.release(id);
  }

  /** Gives back a read area that brought nothing (its socket closed or stopped reading into the capture). */
  releaseRead(area: ReadArea): void {
    if (area.block < 0) return;
    const id = area.block;
    const at = area.offset;
    this.returnArea(area);
    if (id === this.current && this.fill === at + READ_AREA_BYTES) this.fill = at;
    this.release(id);
  }

  private returnArea(area: ReadArea): void {
    const id = area.block;
    const left = this.readAreas.get(id)! - 1;
    if (left > 0) this.readAreas.set(id, left);
    else this.readAreas.delete(id);
    this.readAreasOut--;
    area.block = -1;
    area.bytes = NO_BYTES;
    area.store = undefined;
  }

  /**
   * `n` is `fields.bytes.byteLength`, read once by the caller: on a Buffer Node made in C++ (every datagram) that
   * getter is a call, not inlined.
   */
  private appendSeq(fields: CaptureFields, n: number, copy: boolean): number {
    this.evictFor(n);
    const slot = this.nextSlot(fields, n);
    this.storePayload(slot, fields.bytes, n, copy);
    return this.nextSeqToAssign++;
  }

  /** Fills a new slot's columns (all but where its payload lies) and counts it in. */
  private nextSlot(fields: CaptureFields, n: number): number {
    if (this.count === this.slots) this.growColumns();
    const slot = (this.first + this.count) & (this.slots - 1);
    if (this.count === 0) this.firstSeqHeld = this.nextSeqToAssign;
    this.wallUs[slot] = fields.wallUs;
    this.monoUs[slot] = fields.monoUs;
    this.dir[slot] = fields.dir === 'rx' ? 0 : 1;
    this.encoding[slot] = fields.encoding === undefined ? 0 : encodingCode(fields.encoding);
    this.connection[slot] = fields.connectionId === null ? NO_CONNECTION : this.intern(fields.connectionId);
    this.peer[slot] = this.intern(fields.peer);
    this.length[slot] = n;
    this.count++;
    this.payloadBytes += n;
    return slot;
  }

  /** The record as `append` returns it; its bytes are the caller's. */
  recordOf(seq: number, fields: CaptureFields): CaptureRecord {
    // A literal with a fixed key order keeps every record on one hidden class.
    return {
      seq,
      sessionId: this.sessionId,
      connectionId: fields.connectionId,
      dir: fields.dir,
      wallUs: fields.wallUs,
      monoUs: fields.monoUs,
      peer: fields.peer,
      bytes: fields.bytes,
      encoding: fields.encoding,
    };
  }

  /**
   * Records with their own copies of the bytes: a reader may keep them as long as it likes. With `tailBytes`, only the
   * newest records of the range whose payloads fit in that many bytes (always at least one) are read: a snapshot of
   * the tail whose size is bounded, however big the records are.
   */
  read(fromSeq: number, limit: number, tailBytes?: number): CaptureReadResult {
    const base = this.count > 0 ? this.firstSeqHeld : this.nextSeqToAssign;
    let start = Number.isFinite(fromSeq) ? Math.floor(fromSeq) : base;
    if (start < base) start = base;
    if (start > this.nextSeqToAssign) start = this.nextSeqToAssign;
    const max = Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : this.count;
    const end = Math.min(this.nextSeqToAssign, start + max);
    if (tailBytes !== undefined && end > start) {
      let bytes = 0;
      let seq = end - 1;
      for (; seq >= start; seq--) {
        bytes += this.length[(this.first + (seq - this.firstSeqHeld)) & (this.slots - 1)]!;
        if (bytes > tailBytes && seq < end - 1) break;
      }
      start = seq + 1;
    }
    const records: CaptureRecord[] = [];
    for (let seq = start; seq < end; seq++) records.push(this.materialize(seq, true));
    return {
      records,
      nextSeq: start + records.length,
      firstSeq: this.count > 0 ? base : 0,
      evictedRecords: this.evictedRecs,
    };
  }

  /**
   * One record; its `bytes` is a view into the store, valid until the next append (which may evict and
   * reuse that space). Callers copy what they keep — the batcher copies straight into a batch.
   */
  get(seq: number): CaptureRecord | undefined {
    if (this.count === 0 || !Number.isInteger(seq) || seq < this.firstSeqHeld || seq >= this.nextSeqToAssign)
      return undefined;
    return this.materialize(seq, false);
  }

  /**
   * Fills `into` with a held record's fields, not its bytes; false when `seq` is not held. For the batch
   * builder: unlike `get`, it makes no object and no view per record.
   */
  describe(seq: number, into: RecordFields): boolean {
    if (this.count === 0 || !Number.isInteger(seq) || seq < this.firstSeqHeld || seq >= this.nextSeqToAssign)
      return false;
    const slot = (this.first + (seq - this.firstSeqHeld)) & (this.slots - 1);
    const connection = this.connection[slot];
    into.seq = seq;
    into.wallUs = this.wallUs[slot];
    into.monoUs = this.monoUs[slot];
    into.connectionId = connection === NO_CONNECTION ? null : this.strings[connection]!;
    into.peer = this.strings[this.peer[slot]]!;
    into.dir = this.dir[slot] === 0 ? 'rx' : 'tx';
    into.encoding = this.encoding[slot] === 0 ? undefined : encodingFromCode(this.encoding[slot]);
    into.length = this.length[slot];
    return true;
  }

  /** Copies the first `max` bytes of a held record's payload into `target` at `at`; returns how many (0 if not held). */
  copyPayload(seq: number, target: Uint8Array, at: number, max: number): number {
    if (this.count === 0 || !Number.isInteger(seq) || seq < this.firstSeqHeld || seq >= this.nextSeqToAssign) return 0;
    const slot = (this.first + (seq - this.firstSeqHeld)) & (this.slots - 1);
    const n = Math.min(this.length[slot], Math.max(0, max));
    const id = this.block[slot];
    const source = id === KEPT_BUFFER ? this.kept[slot]! : this.blocks.get(id)!.bytes;
    const from = id === KEPT_BUFFER ? 0 : this.offset[slot];
    // Measured for 64-byte payloads: `set` of a view 50 ns, Buffer's copy 65 ns, a byte loop 130 ns.
    target.set(source.subarray(from, from + n), at);
    return n;
  }

  /**
   * Allocates the blocks the first RESERVED_BYTES of the cap need, and touches the first of them (PREPARED_BLOCKS) so
   * that a socket opened next writes its first records into mapped memory. Only the touched ones cost resident memory
   * from the start; a store that already has blocks gets only what it lacks.
   */
  prepare(): void {
    const have = this.blocks.size + this.spare.length;
    const wanted = Math.ceil(Math.min(this.cap, RESERVED_BYTES) / BLOCK_BYTES) - have;
    const touched = Math.min(PREPARED_BLOCKS, Math.ceil(this.cap / BLOCK_BYTES)) - have;
    for (let i = 0; i < wanted; i++) {
      const block = new Uint8Array(BLOCK_BYTES);
      // The spare blocks go last in, first out: the touched ones go in last. A write maps the page; the value is what
      // a new block holds anyway.
      if (i >= wanted - touched) for (let at = 0; at < BLOCK_BYTES; at += PAGE_BYTES) block[at] = 0;
      this.spare.push(block);
    }
  }

  /** Returns how many records went; they are not counted as evicted, since the user asked for it. */
  clear(): number {
    const removed = this.count;
    this.first = 0;
    this.count = 0;
    this.payloadBytes = 0;
    // Blocks lent to sockets stay: the kernel may be writing into them right now.
    const blocks = new Map<number, Block>();
    for (const [id, lent] of this.readAreas) {
      const block = this.blocks.get(id)!;
      block.live = lent;
      blocks.set(id, block);
    }
    this.blocks = blocks;
    this.releasedId = -1;
    this.releasedBlock = undefined;
    if (!this.readAreas.has(this.current)) {
      this.current = -1;
      this.currentBlock = undefined;
      this.fill = 0;
    }
    this.kept = new Array(this.slots);
    this.spare = [];
    this.strings = [];
    this.stringRefs = [];
    this.stringIds.clear();
    this.freeStrings = [];
    this.lastInterned = undefined;
    return removed;
  }

  setCap(capBytes: number): void {
    this.cap = capBytes;
    this.evictFor(-1);
  }

  stats(): CaptureStats {
    return {
      records: this.count,
      bytes: this.payloadBytes,
      capBytes: this.cap,
      evictedRecords: this.evictedRecs,
      evictedBytes: this.evictedPayload,
      firstSeq: this.count > 0 ? this.firstSeqHeld : 0,
      lastSeq: this.count > 0 ? this.nextSeqToAssign - 1 : 0,
    };
  }

  private materialize(seq: number, copy: boolean): CaptureRecord {
    const slot = (this.first + (seq - this.firstSeqHeld)) & (this.slots - 1);
    const id = this.block[slot];
    const from = this.offset[slot];
    const view =
      id === KEPT_BUFFER ? this.kept[slot]! : this.blocks.get(id)!.bytes.subarray(from, from + this.length[slot]);
    const connection = this.connection[slot];
    return {
      seq,
      sessionId: this.sessionId,
      connectionId: connection === NO_CONNECTION ? null : this.strings[connection]!,
      dir: this.dir[slot] === 0 ? 'rx' : 'tx',
      wallUs: this.wallUs[slot],
      monoUs: this.monoUs[slot],
      peer: this.strings[this.peer[slot]]!,
      // Uint8Array's slice, not Buffer's: a kept Buffer's own slice() would be a view, not a copy.
      bytes: copy ? Uint8Array.prototype.slice.call(view) : view,
      encoding: this.encoding[slot] === 0 ? undefined : encodingFromCode(this.encoding[slot]),
    };
  }

  /**
   * Makes room for a record of `incoming` bytes (-1: none, just honour the cap). The newest record always
   * stays, even alone over the cap: it is what the user is looking at.
   */
  private evictFor(incoming: number): void {
    const adding = incoming < 0 ? 0 : incoming + RECORD_OVERHEAD_BYTES;
    const keep = incoming < 0 ? 1 : 0;
    while (this.count > keep && this.payloadBytes + this.count * RECORD_OVERHEAD_BYTES + adding > this.cap)
      this.evictOldest();
  }

  private evictOldest(): void {
    const slot = this.first;
    const n = this.length[slot];
    if (this.block[slot] === KEPT_BUFFER) this.kept[slot] = undefined;
    else this.release(this.block[slot]);
    this.unref(this.peer[slot]);
    if (this.connection[slot] !== NO_CONNECTION) this.unref(this.connection[slot]);
    this.first = (this.first + 1) & (this.slots - 1);
    this.count--;
    this.firstSeqHeld++;
    this.payloadBytes -= n;
    this.evictedRecs++;
    this.evictedPayload += n;
  }

  /** `copy`: the caller reuses `bytes`, so even a big payload is copied rather than kept. */
  private storePayload(slot: number, bytes: Uint8Array, n: number, copy: boolean): void {
    if (n >= KEEP_BUFFER_BYTES && !copy) {
      this.kept[slot] = bytes;
      this.block[slot] = KEPT_BUFFER;
      this.offset[slot] = 0;
      return;
    }
    if (n > BLOCK_BYTES) {
      this.kept[slot] = Uint8Array.prototype.slice.call(bytes);
      this.block[slot] = KEPT_BUFFER;
      this.offset[slot] = 0;
      return;
    }
    const at = this.room(n);
    const block = this.currentBlock!;
    block.bytes.set(bytes, at);
    block.live++;
    this.block[slot] = this.current;
    this.offset[slot] = at;
    this.fill = at + n;
  }

  /** Where `n` more bytes go in the block being filled, starting a new block when they do not fit. */
  private room(n: number): number {
    if (this.current < 0 || this.fill + n > BLOCK_BYTES) {
      if (this.current >= 0 && this.currentBlock!.live === 0) this.recycle(this.current);
      this.current = this.nextBlockId++;
      this.currentBlock = { bytes: this.spare.pop() ?? new Uint8Array(BLOCK_BYTES), live: 0 };
      this.blocks.set(this.current, this.currentBlock);
      this.fill = 0;
    }
    return this.fill;
  }

  private release(id: number): void {
    let block = this.releasedBlock;
    if (id !== this.releasedId || !block) {
      block = this.blocks.get(id);
      if (!block) return;
      this.releasedId = id;
      this.releasedBlock = block;
    }
    const left = --block.live;
    if (id === this.current) {
      // Nothing left in the block being filled: fill it again from the start.
      if (left === 0) this.fill = 0;
      return;
    }
    if (left <= 0) this.recycle(id);
  }

  private recycle(id: number): void {
    const block = this.blocks.get(id)!;
    this.blocks.delete(id);
    if (id === this.releasedId) {
      this.releasedId = -1;
      this.releasedBlock = undefined;
    }
    if (block.bytes.byteLength === BLOCK_BYTES && this.spare.length < SPARE_BLOCKS) this.spare.push(block.bytes);
  }

  private growColumns(): void {
    const slots = Math.max(1024, this.slots * 2);
    // Unroll the ring so the oldest record lands in slot 0: the part from `first` to the end, then the part that wrapped.
    const tail = Math.min(this.count, this.slots - this.first);
    const move = <T extends Float64Array | Int32Array | Uint32Array | Uint8Array>(old: T, grown: T): T => {
      grown.set(old.subarray(this.first, this.first + tail));
      grown.set(old.subarray(0, this.count - tail), tail);
      return grown;
    };
    this.wallUs = move(this.wallUs, new Float64Array(slots));
    this.monoUs = move(this.monoUs, new Float64Array(slots));
    this.block = move(this.block, new Int32Array(slots));
    this.offset = move(this.offset, new Uint32Array(slots));
    this.length = move(this.length, new Uint32Array(slots));
    this.connection = move(this.connection, new Int32Array(slots));
    this.peer = move(this.peer, new Int32Array(slots));
    this.dir = move(this.dir, new Uint8Array(slots));
    this.encoding = move(this.encoding, new Uint8Array(slots));
    // Array built-ins, not a loop over every slot: in a flood's first second V8 spent 23 ms optimising that loop
    // (`--trace-opt`, the receiver on half a CPU), mostly to copy slots that hold no payload.
    this.kept = this.kept.slice(this.first, this.first + tail).concat(this.kept.slice(0, this.count - tail));
    this.kept.length = slots;
    this.slots = slots;
    this.first = 0;
  }

  private intern(text: string): number {
    // A flood comes from one peer: the same string as last time needs no lookup.
    if (text === this.lastInterned) {
      this.stringRefs[this.lastInternedId]++;
      return this.lastInternedId;
    }
    let id = this.stringIds.get(text);
    if (id === undefined) {
      id = this.freeStrings.pop() ?? this.strings.length;
      this.strings[id] = text;
      this.stringRefs[id] = 0;
      this.stringIds.set(text, id);
    }
    this.stringRefs[id]++;
    this.lastInterned = text;
    this.lastInternedId = id;
    return id;
  }

  /** A peer that sent one datagram an hour ago must not stay in memory for good. */
  private unref(id: number): void {
    if (--this.stringRefs[id] > 0) return;
    if (id === this.lastInternedId) this.lastInterned = undefined;
    this.stringIds.delete(this.strings[id]!);
    this.strings[id] = undefined;
    this.freeStrings.push(id);
  }
}
