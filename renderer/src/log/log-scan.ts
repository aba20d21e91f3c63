import { ROW_NOTE, ROW_RX, ROW_TX, type SessionLog } from '../state/log';
import type { RowFacts, RowMatcher } from './search';

/** One character per byte, whatever the byte: positions in the text are positions in the bytes. */
const LATIN1 = new TextDecoder('windows-1252');

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
  private serials = new Float64Array(1024);
  private start = 0;
  private count = 0;
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
    let serial = this.scannedTo;
    while (serial < log.end) {
      const sliceEnd = Math.min(log.end, serial + ROWS_PER_CLOCK_CHECK);
      for (; serial < sliceEnd; serial++) {
        const kind = log.kind(serial);
        facts.kind = kind === ROW_RX ? 'rx' : kind === ROW_TX ? 'tx' : kind === ROW_NOTE ? 'note' : 'gap';
        facts.bytes = log.bytes(serial);
        if (needsPeer) {
          facts.peer = log.peer(serial);
          facts.connection = log.connection(serial);
        }
        if (needsText) facts.asciiText = this.asciiText(serial, facts.bytes);
        if (matcher.matches(facts)) this.push(serial);
        if (matcher.hasPattern && log.fullLength(serial) > log.length(serial)) this.partialRows++;
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
    for (let i = 0; i < bytes.length; i++) if (bytes[i] > 0x7f) return undefined;
    if (bytes.buffer !== this.decodedBuffer || serial >= this.decodedBelow) {
      this.decodedBuffer = bytes.buffer;
      this.decodedText = LATIN1.decode(new Uint8Array(bytes.buffer));
      this.decodedBelow = this.log.end;
    }
    return this.decodedText.substring(bytes.byteOffset, bytes.byteOffset + bytes.length);
  }

  private push(serial: number): void {
    if (this.start + this.count === this.serials.length) {
      // Evicted matches at the front make room before the array grows.
      const live = this.serials.subarray(this.start, this.start + this.count);
      const next = this.count * 2 > this.serials.length ? new Float64Array(this.serials.length * 2) : this.serials;
      next.set(live, 0);
      this.serials = next;
      this.start = 0;
    }
    this.serials[this.start + this.count++] = serial;
  }

  private dropEvicted(): void {
    const first = this.log.first;
    while (this.count > 0 && this.serials[this.start] < first) {
      this.start++;
      this.count--;
    }
  }

  /** Matches still in the log, found so far. */
  get matchCount(): number {
    this.dropEvicted();
    return this.count;
  }

  /** The serial of match `index` (0-based, oldest first). */
  at(index: number): number {
    return this.serials[this.start + index];
  }

  /** The index of the first match at or after `serial`; `matchCount` when there is none. */
  indexAtOrAfter(serial: number): number {
    this.dropEvicted();
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.serials[this.start + mid] < serial) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
