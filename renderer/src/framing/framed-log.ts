import { ROW_RX, ROW_TX, ROW_NOTE, RowFields, type SessionLog } from '../state/log';
import { framingKey, type FramingSpec } from './choice';
import {
  BAD_MISSING,
  BAD_NONE,
  BAD_NOT_JSON,
  FramerSplitter,
  makeSplitter,
  type BadReason,
  type Splitter,
} from './splitters';

// A session's log seen as messages: received bytes cut by a framing, per connection (per peer for UDP),
// and every other row (sends, notes, gaps) as it is. The log keeps the reads; this keeps, per message,
// where it starts (row serial and offset), its length and what is wrong with it — four typed arrays, so
// a million messages cost 21 MB and no objects, and re-splitting the history is one pass over the rows.
//
// Sends stay one row per send: a send is one message the person composed, and cutting it by a framing
// meant for the device's answers would hide what went out in one write.

/** A row of the log shown as it is (a send, a note, a gap). */
export const FRAMED_ROW = 0;
/** A received message. */
export const FRAMED_MESSAGE = 1;
/** A received message still under way: its end has not come yet. Only the last rows are pending. */
export const FRAMED_PENDING = 2;
export type FramedKind = typeof FRAMED_ROW | typeof FRAMED_MESSAGE | typeof FRAMED_PENDING;

/** Beyond this many messages the oldest go, as the log's own rows do at its limits. */
const MAX_MESSAGES = 1 << 22;
const INITIAL_CAPACITY = 1 << 12;
/** Streams (connections, UDP peers) kept with nothing under way before the idle ones are forgotten. */
const MAX_IDLE_STREAMS = 4096;
/** JSON-lines verdicts kept for rows shown; a few screenfuls. */
const MAX_JSON_VERDICTS = 2000;

/** One connection's (or UDP peer's) splitter and where its message under way starts. */
interface Stream {
  readonly splitter: Splitter;
  /** Serial of the row the message under way starts in; -1 when none is under way. */
  startSerial: number;
  startOffset: number;
}

export class FramedLog {
  /** Position of the oldest message still shown, and of the next to come; pending ones follow `end`. */
  first = 0;
  end = 0;
  /** Bumped whenever what is shown changes. */
  version = 0;
  readonly key: string;

  private capacity = INITIAL_CAPACITY;
  /** Position of index 0 of the arrays. */
  private base = 0;
  private serials = new Float64Array(INITIAL_CAPACITY);
  private offsets = new Uint32Array(INITIAL_CAPACITY);
  private lengths = new Uint32Array(INITIAL_CAPACITY);
  /** Kind in the low bits, the bad reason above them. */
  private flags = new Uint8Array(INITIAL_CAPACITY);

  private scanned = -1;
  private clears = -1;
  private source: SessionLog | undefined;
  private readonly connections = new Map<string, Stream>();
  private readonly peers = new Map<string, Stream>();
  /** The stream of the last row read, by its string indexes: consecutive rows are mostly of one stream. */
  private lastConn = -2;
  private lastPeer = -2;
  private lastStringsVersion = -1;
  private lastStream: Stream | undefined;
  private readonly row = new RowFields();
  private pending: Stream[] = [];
  private pendingDirty = false;
  /** The framer's own words for bad messages, by position (few: bad frames are the exception). */
  private readonly details = new Map<number, string>();
  private readonly jsonVerdicts = new Map<number, string | undefined>();
  private jsonDecoder: { decode(bytes: Uint8Array): string } | undefined;

  constructor(readonly framing: FramingSpec) {
    this.key = framingKey(framing);
  }

  /** Rows shown: messages, rows as they are, and the pending messages after them. */
  get endWithPending(): number {
    return this.end + this.pending.length;
  }

  /**
   * Takes in the log's rows up to `hi` (the view's end: a paused view stops where it froze). Only rows not
   * seen before are read, so following a live log costs what arrived; a new log (a reconnected tab's
   * snapshot) or a cleared one starts over. `nowUs` ends idle-gap messages whose silence has lasted.
   */
  sync(log: SessionLog, hi: number, nowUs: number): void {
    if (log !== this.source || log.clears !== this.clears) this.restart(log);
    if (this.scanned < log.first) {
      // Rows went before they were read (a long pause, or eviction under a flood): what was under way is cut.
      this.cutAll();
      this.scanned = log.first;
    }
    const before = this.end;
    // A whole history at once (a new framing): room for a message per row up front, not by doubling.
    const needed = this.end - this.first + (hi - this.scanned);
    if (needed > this.capacity && needed <= MAX_MESSAGES) this.resize(2 ** Math.ceil(Math.log2(needed)));
    const row = this.row;
    for (let s = this.scanned; s < hi; s++) {
      log.readRow(s, row);
      const kind = row.kind;
      if (kind === ROW_RX) this.feed(log, s, row);
      else {
        // Records the view never got may belong to any connection: whatever was under way lost bytes.
        if (kind !== ROW_TX && kind !== ROW_NOTE) this.cutAll();
        this.push(s, 0, 0, FRAMED_ROW);
      }
    }
    if (hi > this.scanned) this.scanned = hi;
    if (this.framing.mode === 'idle-gap') this.flushIdle(nowUs);
    this.evict(log.first);
    const changed = this.end !== before || this.pendingDirty;
    if (this.pendingDirty) this.collectPending(log);
    if (changed) this.version++;
  }

  /** When the next idle-gap message ends by silence, if one is under way. */
  nextDueUs(): number {
    let due = Number.POSITIVE_INFINITY;
    for (const stream of this.pending) due = Math.min(due, stream.splitter.dueUs());
    return due;
  }

  kind(position: number): FramedKind {
    if (position >= this.end) return FRAMED_PENDING;
    return (this.flags[position - this.base] & 3) as FramedKind;
  }

  /** The log row a message starts in (or the row shown as it is). */
  serial(position: number): number {
    if (position >= this.end) return this.pending[position - this.end].startSerial;
    return this.serials[position - this.base];
  }

  /** Where in that row's bytes the message starts. */
  offset(position: number): number {
    if (position >= this.end) return this.pending[position - this.end].startOffset;
    return this.offsets[position - this.base];
  }

  /** The message's length as shown (a stripped delimiter not counted; so far, for a pending one). */
  length(position: number): number {
    if (position >= this.end) return this.pending[position - this.end].splitter.count;
    return this.lengths[position - this.base];
  }

  /** What is wrong with the message. JSON lines are checked here, when shown, not while splitting. */
  bad(position: number, log?: SessionLog): BadReason {
    if (position >= this.end) return BAD_NONE;
    const bad = (this.flags[position - this.base] >> 2) as BadReason;
    if (bad !== BAD_NONE || this.framing.mode !== 'json-lines' || !log) return bad;
    return this.jsonProblem(log, position) === undefined ? BAD_NONE : BAD_NOT_JSON;
  }

  /** The framer's own words about a bad message, when it gave any (in English, as the engine logs them). */
  detail(position: number, log?: SessionLog): string | undefined {
    return (
      this.details.get(position) ??
      (log && this.bad(position, log) === BAD_NOT_JSON ? this.jsonProblem(log, position) : undefined)
    );
  }

  private jsonProblem(log: SessionLog, position: number): string | undefined {
    if (this.jsonVerdicts.has(position)) return this.jsonVerdicts.get(position);
    let verdict: string | undefined;
    try {
      const text = (this.jsonDecoder ??= new TextDecoder('utf-8', { fatal: true })).decode(this.bytes(log, position));
      if (text.trim() === '') verdict = 'not JSON: the line is empty';
      else JSON.parse(text);
    } catch (err) {
      verdict = err instanceof SyntaxError ? `not JSON: ${err.message}` : 'not JSON: the line is not valid UTF-8';
    }
    if (this.jsonVerdicts.size >= MAX_JSON_VERDICTS) this.jsonVerdicts.clear();
    this.jsonVerdicts.set(position, verdict);
    return verdict;
  }

  /**
   * The first `limit` bytes of a message, gathered from the rows of its connection: a view of the row when
   * it lies in one, else a copy. For the rows on screen only.
   */
  bytes(log: SessionLog, position: number, limit = Number.POSITIVE_INFINITY): Uint8Array {
    const start = this.serial(position);
    const want = Math.min(this.length(position), limit);
    if (start < log.first) return new Uint8Array(0);
    const head = log.bytes(start).subarray(this.offset(position));
    if (head.byteLength >= want) return head.subarray(0, want);
    const out = new Uint8Array(want);
    out.set(head);
    let got = head.byteLength;
    const conn = log.connIndex(start);
    const peer = conn < 0 ? log.peer(start) : undefined;
    for (let s = start + 1; s < log.end && got < want; s++) {
      if (log.kind(s) !== ROW_RX) continue;
      if (conn >= 0 ? log.connIndex(s) !== conn : log.connIndex(s) >= 0 || log.peer(s) !== peer) continue;
      const row = log.bytes(s);
      const take = Math.min(row.byteLength, want - got);
      out.set(take === row.byteLength ? row : row.subarray(0, take), got);
      got += take;
    }
    return got === want ? out : out.subarray(0, got);
  }

  private restart(log: SessionLog): void {
    this.source = log;
    this.clears = log.clears;
    this.connections.clear();
    this.peers.clear();
    this.lastConn = this.lastPeer = -2;
    this.lastStream = undefined;
    this.pending = [];
    this.details.clear();
    this.jsonVerdicts.clear();
    this.first = this.base = this.end;
    this.scanned = log.first;
    this.pendingDirty = true;
  }

  private streamOf(log: SessionLog, row: RowFields): Stream {
    // TCP: one stream per connection; UDP (no connection): one per peer.
    const peerIndex = row.conn < 0 ? row.peer : -1;
    if (
      row.conn === this.lastConn &&
      peerIndex === this.lastPeer &&
      log.stringsVersion === this.lastStringsVersion &&
      this.lastStream
    )
      return this.lastStream;
    const connection = log.stringAt(row.conn);
    const key = connection ?? log.stringAt(row.peer) ?? '';
    const map = connection === undefined ? this.peers : this.connections;
    let stream = map.get(key);
    if (!stream) {
      if (map.size >= MAX_IDLE_STREAMS) for (const [k, s] of map) if (s.startSerial < 0) map.delete(k);
      stream = { splitter: makeSplitter(this.framing)!, startSerial: -1, startOffset: 0 };
      map.set(key, stream);
    }
    this.lastConn = row.conn;
    this.lastPeer = peerIndex;
    this.lastStringsVersion = log.stringsVersion;
    this.lastStream = stream;
    return stream;
  }

  private feed(log: SessionLog, serial: number, row: RowFields): void {
    const stream = this.streamOf(log, row);
    const splitter = stream.splitter;
    const chunk = row.chunk;
    const from = row.offset;
    const end = from + row.length;
    const wallUs = row.wallUs;
    let at = from;
    while (at < end) {
      if (stream.startSerial < 0) {
        stream.startSerial = serial;
        stream.startOffset = at - from;
      }
      const cutAt = splitter.next(chunk, at, end, wallUs);
      if (cutAt < 0) break;
      if (splitter.cutDetail !== undefined) this.details.set(this.end, splitter.cutDetail);
      this.push(stream.startSerial, stream.startOffset, splitter.cutLength, FRAMED_MESSAGE | (splitter.cutBad << 2));
      stream.startSerial = -1;
      at = cutAt;
    }
    // Only the start of a long record is in the log: what follows it in the stream is unknown.
    if (row.fullLength > row.length) this.cut(stream, BAD_MISSING);
    this.pendingDirty = true;
  }

  /** Ends the message under way in `stream` as it is, marked `bad`. */
  private cut(stream: Stream, bad: BadReason): void {
    if (stream.startSerial < 0) return;
    this.push(stream.startSerial, stream.startOffset, stream.splitter.count, FRAMED_MESSAGE | (bad << 2));
    stream.splitter.reset();
    stream.startSerial = -1;
    this.pendingDirty = true;
  }

  private cutAll(): void {
    for (const stream of this.connections.values()) this.cut(stream, BAD_MISSING);
    for (const stream of this.peers.values()) this.cut(stream, BAD_MISSING);
  }

  private flushIdle(nowUs: number): void {
    for (const stream of this.connections.values()) this.flushIfDue(stream, nowUs);
    for (const stream of this.peers.values()) this.flushIfDue(stream, nowUs);
  }

  private flushIfDue(stream: Stream, nowUs: number): void {
    const splitter = stream.splitter;
    if (stream.startSerial < 0 || !(splitter instanceof FramerSplitter) || !splitter.flushIdle(nowUs)) return;
    this.push(stream.startSerial, stream.startOffset, splitter.cutLength, FRAMED_MESSAGE);
    stream.startSerial = -1;
    this.pendingDirty = true;
  }

  private push(serial: number, offset: number, length: number, flags: number): void {
    let i = this.end - this.base;
    if (i >= this.capacity) {
      this.makeRoom();
      i = this.end - this.base;
    }
    this.serials[i] = serial;
    this.offsets[i] = offset;
    this.lengths[i] = length;
    this.flags[i] = flags;
    this.end++;
  }

  /** Moves the live messages to the front when at least half is dead, else doubles the arrays. */
  private makeRoom(): void {
    if (this.end - this.first >= MAX_MESSAGES) this.first = this.end - MAX_MESSAGES + INITIAL_CAPACITY;
    const dead = this.first - this.base;
    const live = this.end - this.first;
    if (dead >= this.capacity / 2) {
      this.serials.copyWithin(0, dead, dead + live);
      this.offsets.copyWithin(0, dead, dead + live);
      this.lengths.copyWithin(0, dead, dead + live);
      this.flags.copyWithin(0, dead, dead + live);
      this.base = this.first;
      return;
    }
    this.resize(this.capacity * 2);
  }

  /** New arrays of `capacity` entries holding the live messages from index 0. */
  private resize(capacity: number): void {
    const dead = this.first - this.base;
    const live = this.end - this.first;
    const grow = <T extends Float64Array | Uint32Array | Uint8Array>(old: T, fresh: T): T => {
      fresh.set(old.subarray(dead, dead + live) as never);
      return fresh;
    };
    this.serials = grow(this.serials, new Float64Array(capacity));
    this.offsets = grow(this.offsets, new Uint32Array(capacity));
    this.lengths = grow(this.lengths, new Uint32Array(capacity));
    this.flags = grow(this.flags, new Uint8Array(capacity));
    this.capacity = capacity;
    this.base = this.first;
  }

  /**
   * Messages whose first row the log let go are gone too. Messages are in the order they ended, so one that
   * started long before its neighbours may stay a little longer; `bytes` shows what of it is left.
   */
  private evict(logFirst: number): void {
    const before = this.first;
    while (this.first < this.end && this.serials[this.first - this.base] < logFirst) this.first++;
    if (this.first !== before && this.details.size > 0)
      for (const position of this.details.keys()) if (position < this.first) this.details.delete(position);
  }

  private collectPending(log: SessionLog): void {
    this.pendingDirty = false;
    const pending: Stream[] = [];
    for (const stream of this.connections.values()) if (stream.startSerial >= log.first) pending.push(stream);
    for (const stream of this.peers.values()) if (stream.startSerial >= log.first) pending.push(stream);
    pending.sort((a, b) => a.startSerial - b.startSerial || a.startOffset - b.startOffset);
    this.pending = pending;
  }
}

/**
 * The framed view of each session, kept while its framing stays the same; a new framing builds a new one
 * over the whole kept history (the reads stay in the log, nothing is asked of the engine).
 */
class FramedViews {
  private readonly views = new Map<string, FramedLog>();

  of(sessionId: string, framing: FramingSpec): FramedLog | undefined {
    if (framing.mode === 'per-read') {
      this.views.delete(sessionId);
      return undefined;
    }
    const key = framingKey(framing);
    let view = this.views.get(sessionId);
    if (!view || view.key !== key) this.views.set(sessionId, (view = new FramedLog(framing)));
    return view;
  }

  drop(sessionId: string): void {
    this.views.delete(sessionId);
  }
}

export const framedViews = new FramedViews();
