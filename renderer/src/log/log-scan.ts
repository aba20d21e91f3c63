import { FRAMED_ROW, type FramedLog } from '../framing/framed-log';
import { ROW_NOTE, ROW_RX, ROW_TX, RowFields, type SessionLog } from '../state/log';
import type { RowFacts, RowMatcher } from './search';

/** One character per byte, whatever the byte: positions in the text are positions in the bytes. */
const LATIN1 = new TextDecoder('windows-1252');

/** The first character a windows-1252 decoding gives for a byte above 0x7F. */
const NON_ASCII = /[^\x00-\x7f]/;

/** How many rows are tested between two looks at the clock. */
const ROWS_PER_CLOCK_CHECK = 256;

/**
 * One search over one log: the serials of the matching rows, found a slice at a time so a million-row
 * history never holds the page for more than a slice. New rows are scanned as they arrive; matches the log
 * has evicted drop off the front. No object per row: the serials sit in one growing typed array.
 */
export class LogScan {
  /** Rows before this serial have been tested. */
  scannedTo: number;
  /** Matching rows whose record is longer than what the log holds: only their start was searched. */
  partialRows = 0;
  private readonly matches = new MatchList();
  private readonly row = new RowFields();
  private readonly facts: RowFacts = {
    kind: 'rx',
    bytes: new Uint8Array(0),
    peer: undefined,
    connection: null,
    asciiText: undefined,
  };
  /** The payload block last decoded whole, and the rows it is valid for (those that existed then). */
  private decodedBuffer: ArrayBufferLike | undefined;
  private decodedText = '';
  private decodedBelow = 0;
  /** Where the decoded block's first byte above 0x7F is: rows before it read the same in every ASCII-safe encoding. */
  private asciiBelow = 0;
  /** Where the block pattern next matches in the decoded block, looking from `candidateFrom`. */
  private candidateFrom = Number.POSITIVE_INFINITY;
  private candidateAt = Number.POSITIVE_INFINITY;

  constructor(
    readonly log: SessionLog,
    readonly matcher: RowMatcher,
  ) {
    this.scannedTo = log.first;
  }

  /** Every row up to the log's end has been tested. */
  get done(): boolean {
    return this.scannedTo >= this.log.end;
  }

  /**
   * Tests rows until `budgetMs` have passed or the log's end is reached; returns true when it is. A log that
   * was cleared or evicted past the scan starts the scan at its first row.
   */
  step(budgetMs: number, now: () => number = () => performance.now()): boolean {
    const log = this.log;
    if (this.scannedTo < log.first) this.scannedTo = log.first;
    const stopAt = now() + budgetMs;
    const facts = this.facts;
    const matcher = this.matcher;
    const needsPeer = matcher.needsPeer;
    const needsText = matcher.needsText;
    const blockPattern = matcher.blockPattern;
    const row = this.row;
    let serial = this.scannedTo;
    while (serial < log.end) {
      const sliceEnd = Math.min(log.end, serial + ROWS_PER_CLOCK_CHECK);
      for (; serial < sliceEnd; serial++) {
        if (blockPattern) {
          // Most rows are ruled out by where the block's next match is, without a view of their bytes.
          log.readRow(serial, row);
          if (row.fullLength > row.length) this.partialRows++;
          if (row.length > 0 && this.blockRulesOut(serial, row.chunk, row.chunk.byteOffset + row.offset, row.length))
            continue;
        } else if (matcher.hasPattern && log.fullLength(serial) > log.length(serial)) this.partialRows++;
        const kind = log.kind(serial);
        facts.kind = kind === ROW_RX ? 'rx' : kind === ROW_TX ? 'tx' : kind === ROW_NOTE ? 'note' : 'gap';
        facts.bytes = log.bytes(serial);
        if (needsPeer) {
          facts.peer = log.peer(serial);
          facts.connection = log.connection(serial);
        }
        if (needsText) facts.asciiText = this.asciiText(serial, facts.bytes);
        if (matcher.matches(facts)) this.matches.push(serial);
      }
      if (now() >= stopAt) break;
    }
    this.scannedTo = serial;
    return serial >= log.end;
  }

  /**
   * An ASCII row's text as a slice of its whole payload block, decoded once: decoding a megabyte at once
   * costs less than decoding its ten thousand rows one by one. Every byte below 0x80 is one character, so
   * positions in the text are positions in the block. A row that existed when the block was decoded is in
   * that text as it is now: its block cannot have been reused while the row lives.
   */
  private asciiText(serial: number, bytes: Uint8Array): string | undefined {
    if (bytes.buffer !== this.decodedBuffer || serial >= this.decodedBelow) this.decode(bytes.buffer);
    const end = bytes.byteOffset + bytes.length;
    // Rows before the block's first byte above 0x7F need no look at their bytes.
    if (end > this.asciiBelow) for (let i = 0; i < bytes.length; i++) if (bytes[i] > 0x7f) return undefined;
    return this.decodedText.substring(bytes.byteOffset, end);
  }

  private decode(buffer: ArrayBufferLike): void {
    this.decodedBuffer = buffer;
    this.decodedText = LATIN1.decode(new Uint8Array(buffer));
    this.decodedBelow = this.log.end;
    const nonAscii = NON_ASCII.exec(this.decodedText);
    this.asciiBelow = nonAscii ? nonAscii.index : this.decodedText.length;
    this.candidateFrom = this.candidateAt = Number.POSITIVE_INFINITY;
  }

  /**
   * The row certainly does not match: it is plain ASCII in the decoded block, and the block pattern, run over
   * the block's text from this row on, first matches only after it. One regex run over a block answers for
   * its thousands of rows (rows with no assertion-free match in them cannot match alone); a row it cannot
   * rule out is tested on its own.
   */
  private blockRulesOut(serial: number, chunk: Uint8Array, start: number, length: number): boolean {
    if (chunk.buffer !== this.decodedBuffer || serial >= this.decodedBelow) this.decode(chunk.buffer);
    const end = start + length;
    if (end > this.asciiBelow) return false;
    if (this.candidateAt < start || this.candidateFrom > start) {
      const pattern = this.matcher.blockPattern!;
      pattern.lastIndex = start;
      const found = pattern.exec(this.decodedText);
      this.candidateFrom = start;
      this.candidateAt = found ? found.index : Number.POSITIVE_INFINITY;
    }
    return end <= this.candidateAt;
  }

  /** Matches still in the log, found so far. */
  get matchCount(): number {
    return this.matches.count(this.log.first);
  }

  /** The serial of match `index` (0-based, oldest first). */
  at(index: number): number {
    return this.matches.at(index);
  }

  /** The index of the first match at or after `serial`; `matchCount` when there is none. */
  indexAtOrAfter(serial: number): number {
    return this.matches.indexAtOrAfter(serial, this.log.first);
  }
}

/**
 * One search over a framed view of a log: the positions of the matching messages (and of the rows a framed
 * view shows as they are: sends, notes), each message tested whole however many reads it came in, so a
 * match cut across two reads is found. Pending messages are tested once they end. Like `LogScan`, a slice
 * at a time, and no object per message: the positions sit in one typed array.
 */
export class FramedScan {
  /** Positions before this one have been tested. */
  scannedTo: number;
  /** A framed view marks messages with missing bytes itself; nothing is counted here. */
  readonly partialRows = 0;
  private readonly matches = new MatchList();
  private readonly facts: RowFacts = {
    kind: 'rx',
    bytes: new Uint8Array(0),
    peer: undefined,
    connection: null,
    asciiText: undefined,
  };

  constructor(
    readonly log: SessionLog,
    readonly framed: FramedLog,
    readonly matcher: RowMatcher,
  ) {
    this.scannedTo = framed.first;
  }

  /** Every ended message up to the view's end has been tested. */
  get done(): boolean {
    return this.scannedTo >= this.framed.end && this.syncedTo >= this.viewEnd();
  }

  /** Where the view stops in the log: a paused view at the row it froze at, as the log view frames it. */
  private viewEnd(): number {
    return Math.max(this.log.first, this.log.frozenEnd ?? this.log.end);
  }

  /** The log row the framed view had been brought up to at the last step. */
  private syncedTo = -1;

  step(budgetMs: number, now: () => number = () => performance.now()): boolean {
    const log = this.log;
    const framed = this.framed;
    // The rows that came since are cut into messages first, as the view does when it paints.
    const hi = this.viewEnd();
    framed.sync(log, hi, Date.now() * 1000);
    this.syncedTo = hi;
    if (this.scannedTo < framed.first) this.scannedTo = framed.first;
    const stopAt = now() + budgetMs;
    const facts = this.facts;
    const matcher = this.matcher;
    const needsPeer = matcher.needsPeer;
    const end = framed.end;
    let position = this.scannedTo;
    while (position < end) {
      const sliceEnd = Math.min(end, position + ROWS_PER_CLOCK_CHECK);
      for (; position < sliceEnd; position++) {
        const serial = framed.serial(position);
        if (serial < log.first) continue;
        if (framed.kind(position) === FRAMED_ROW) {
          const kind = log.kind(serial);
          facts.kind = kind === ROW_RX ? 'rx' : kind === ROW_TX ? 'tx' : kind === ROW_NOTE ? 'note' : 'gap';
          facts.bytes = log.bytes(serial);
        } else {
          facts.kind = 'rx';
          facts.bytes = framed.bytes(log, position);
        }
        if (needsPeer) {
          facts.peer = log.peer(serial);
          facts.connection = log.connection(serial);
        }
        if (matcher.matches(facts)) this.matches.push(position);
      }
      if (now() >= stopAt) break;
    }
    this.scannedTo = position;
    return this.done;
  }

  /** Matches still in the framed view, found so far. */
  get matchCount(): number {
    return this.matches.count(this.framed.first);
  }

  /** The position of match `index` (0-based, oldest first). */
  at(index: number): number {
    return this.matches.at(index);
  }

  /** The index of the first match at or after `position`; `matchCount` when there is none. */
  indexAtOrAfter(position: number): number {
    return this.matches.indexAtOrAfter(position, this.framed.first);
  }
}

/** A search's matches over either kind of scan: log serials, or positions in a framed view. */
export type Scan = LogScan | FramedScan;

/** Row numbers in ascending order in one growing typed array; those below the first kept drop off the front. */
class MatchList {
  private rows = new Float64Array(1024);
  private start = 0;
  private size = 0;

  push(row: number): void {
    if (this.start + this.size === this.rows.length) {
      // Evicted matches at the front make room before the array grows.
      const live = this.rows.subarray(this.start, this.start + this.size);
      const next = this.size * 2 > this.rows.length ? new Float64Array(this.rows.length * 2) : this.rows;
      next.set(live, 0);
      this.rows = next;
      this.start = 0;
    }
    this.rows[this.start + this.size++] = row;
  }

  private dropBelow(first: number): void {
    while (this.size > 0 && this.rows[this.start] < first) {
      this.start++;
      this.size--;
    }
  }

  count(first: number): number {
    this.dropBelow(first);
    return this.size;
  }

  at(index: number): number {
    return this.rows[this.start + index];
  }

  indexAtOrAfter(row: number, first: number): number {
    this.dropBelow(first);
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.rows[this.start + mid] < row) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
