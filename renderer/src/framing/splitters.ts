import { parseHex } from '../../../shared/codec/hex';
import { Framer } from '../../../shared/framing/framer';
import { maxBytesOf, type FramingSpec } from './choice';

// Splitters find where messages end in one connection's bytes, read by read, and say so with numbers:
// the view re-splits a whole history on every framing change, so the delimiter and line splitters (the
// framings of text streams, which come by the million) allocate nothing per message or per byte. The
// framings of binary protocols go through the engine's own framer (shared/framing), so the view and the
// engine agree on every Modbus frame and length field; it hands back one small object per message.
// The log keeps the bytes; the view keeps where messages start.

/** What is wrong with a message; 0 is nothing. */
export const BAD_NONE = 0;
/** Modbus RTU: the CRC-16 at its end does not match. */
export const BAD_CRC = 1;
/** A length field (or Modbus TCP header) gives a length no message can have. */
export const BAD_LENGTH = 2;
/** No delimiter (or idle gap) came within the largest message size. */
export const BAD_NO_DELIMITER = 3;
/** Bytes that cannot start a frame, passed over up to the next that can. */
export const BAD_NOT_A_FRAME = 4;
/** Bytes of the message are not in the log (the view skipped records, or kept only the start of a long one). */
export const BAD_MISSING = 5;
/** JSON lines: the line is not one JSON value in UTF-8. */
export const BAD_NOT_JSON = 6;
export type BadReason = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** The engine framer's reason, in the view's words (the detail stays in English beside it). */
export function badReasonOf(reason: string): BadReason {
  if (reason.startsWith('CRC')) return BAD_CRC;
  if (reason.startsWith('impossible') || reason.startsWith('not a Modbus TCP header')) return BAD_LENGTH;
  if (reason.startsWith('no delimiter') || reason.startsWith('no gap')) return BAD_NO_DELIMITER;
  if (reason.startsWith('not JSON')) return BAD_NOT_JSON;
  if (reason.startsWith('incomplete')) return BAD_MISSING;
  return BAD_NOT_A_FRAME;
}

export abstract class Splitter {
  /** Bytes of the message under way. */
  count = 0;
  /** Set by `next` when it cuts: the message's length as shown (a stripped delimiter not counted) … */
  cutLength = 0;
  /** … and what is wrong with it, with the framer's own words when it gave any. */
  cutBad: BadReason = BAD_NONE;
  cutDetail: string | undefined;

  /**
   * Reads `bytes[at, end)` (one read, taken at `wallUs`; `bytes` is the log's payload chunk, so nothing is
   * sliced per read). Returns the position just after the end of the message under way (its delimiter
   * included) when it ends in these bytes, else -1: all of them belong to it.
   */
  abstract next(bytes: Uint8Array, at: number, end: number, wallUs: number): number;

  /** The message under way is over without its end (bytes went missing): forget how far it got. */
  reset(): void {
    this.count = 0;
  }

  /** When the message under way ends by silence alone (idle gap), the time it does; else infinity. */
  dueUs(): number {
    return Number.POSITIVE_INFINITY;
  }

  protected cut(length: number, bad: BadReason, detail?: string): void {
    this.cutLength = length;
    this.cutBad = bad;
    this.cutDetail = detail;
    this.reset();
  }
}

/**
 * The first `byte` in `bytes[at, end)`, or -1. `indexOf` would run on past `end` into the rest of the
 * chunk, so short reads are searched by hand and only long ones through a view.
 */
function find(bytes: Uint8Array, byte: number, at: number, end: number): number {
  if (end - at > 256) {
    const found = bytes.subarray(at, end).indexOf(byte);
    return found < 0 ? -1 : at + found;
  }
  for (let i = at; i < end; i++) if (bytes[i] === byte) return i;
  return -1;
}

/**
 * Knuth–Morris–Pratt over the delimiter, so a delimiter cut between two reads is still found. As the engine's
 * framer does, a message that reaches `maxBytes` without its delimiter is cut there, marked bad, and the
 * bytes after it start the next message.
 */
export class DelimiterSplitter extends Splitter {
  private matched = 0;
  private readonly fallback: Int32Array;

  constructor(
    private readonly delimiter: Uint8Array,
    private readonly keep: boolean,
    private readonly maxBytes: number,
  ) {
    super();
    this.fallback = new Int32Array(delimiter.length);
    for (let i = 1, k = 0; i < delimiter.length; i++) {
      while (k > 0 && delimiter[i] !== delimiter[k]) k = this.fallback[k - 1];
      if (delimiter[i] === delimiter[k]) k++;
      this.fallback[i] = k;
    }
  }

  next(bytes: Uint8Array, at: number, end: number): number {
    const d = this.delimiter;
    const n = d.length;
    if (n === 1) {
      const found = find(bytes, d[0], at, end);
      if (found >= 0 && this.count + found - at <= this.maxBytes) {
        const length = this.count + found + 1 - at;
        this.cut(this.keep ? length : length - 1, BAD_NONE);
        return found + 1;
      }
    } else {
      let m = this.matched;
      for (let i = at; i < end; i++) {
        const c = bytes[i];
        while (m > 0 && d[m] !== c) m = this.fallback[m - 1];
        if (d[m] === c) m++;
        if (m === n) {
          const length = this.count + i + 1 - at;
          if (length - n > this.maxBytes) break;
          this.cut(this.keep ? length : length - n, BAD_NONE);
          return i + 1;
        }
      }
      this.matched = m;
    }
    return this.overflow(at, end);
  }

  /** No delimiter (in time): the message grows, or is given up on at `maxBytes`. */
  private overflow(at: number, end: number): number {
    if (this.count + end - at < this.maxBytes + this.delimiter.length) {
      this.count += end - at;
      return -1;
    }
    const cutAt = at + this.maxBytes - this.count;
    this.cut(this.maxBytes, BAD_NO_DELIMITER, `no delimiter within ${this.maxBytes} bytes`);
    return cutAt;
  }

  reset(): void {
    super.reset();
    this.matched = 0;
  }
}

/** LF ends a line; a CR right before it goes too. JSON lines are lines (each checked when it is shown). */
export class LineSplitter extends Splitter {
  private lastByte = -1;

  constructor(private readonly maxBytes: number) {
    super();
  }

  next(bytes: Uint8Array, at: number, end: number): number {
    const found = find(bytes, 0x0a, at, end);
    if (found >= 0 && this.count + found - at <= this.maxBytes) {
      const before = found > at ? bytes[found - 1] : this.lastByte;
      const length = this.count + found - at;
      this.cut(before === 0x0d && length > 0 ? length - 1 : length, BAD_NONE);
      return found + 1;
    }
    if (this.count + end - at < this.maxBytes + 1) {
      if (end > at) this.lastByte = bytes[end - 1];
      this.count += end - at;
      return -1;
    }
    const cutAt = at + this.maxBytes - this.count;
    this.cut(this.maxBytes, BAD_NO_DELIMITER, `no delimiter within ${this.maxBytes} bytes`);
    return cutAt;
  }

  reset(): void {
    super.reset();
    this.lastByte = -1;
  }
}

/**
 * The engine's framer behind the splitter's numbers, for framings that strip nothing (each message is the
 * bytes it took, so where each ends follows from its length). A read is pushed once; the messages it
 * completes are handed out one `next` call at a time.
 */
export class FramerSplitter extends Splitter {
  private readonly framer: Framer;
  private read: Uint8Array | undefined;
  private readEnd = -1;
  private readonly ends: number[] = [];
  private readonly lengths: number[] = [];
  private readonly reasons: Array<string | undefined> = [];
  private taken = 0;
  private lastPushUs = 0;
  private readonly gapUs: number;

  constructor(spec: FramingSpec) {
    super();
    this.framer = new Framer(spec);
    this.gapUs = spec.mode === 'idle-gap' ? spec.gapMs * 1000 : 0;
  }

  next(bytes: Uint8Array, at: number, end: number, wallUs: number): number {
    if (bytes !== this.read || end !== this.readEnd) {
      this.read = bytes;
      this.readEnd = end;
      this.ends.length = this.lengths.length = this.reasons.length = 0;
      this.taken = 0;
      const carried = this.framer.pendingBytes;
      // The log's wall clock stands in for the monotonic one: only the gaps between reads matter.
      const messages = this.framer.push(bytes.subarray(at, end), wallUs, wallUs);
      this.lastPushUs = wallUs;
      let position = at - carried;
      for (const message of messages) {
        position += message.bytes.byteLength;
        this.ends.push(position);
        this.lengths.push(message.bytes.byteLength);
        this.reasons.push(message.bad);
      }
    }
    if (this.taken < this.ends.length) {
      const k = this.taken++;
      const reason = this.reasons[k];
      this.cut(this.lengths[k], reason === undefined ? BAD_NONE : badReasonOf(reason), reason);
      // An idle-gap message that ended before this read started ends where the read starts.
      return Math.max(at, this.ends[k]);
    }
    this.count = this.framer.pendingBytes;
    return -1;
  }

  reset(): void {
    super.reset();
    this.framer.reset();
    this.read = undefined;
    this.readEnd = -1;
  }

  protected cut(length: number, bad: BadReason, detail?: string): void {
    this.cutLength = length;
    this.cutBad = bad;
    this.cutDetail = detail;
    this.count = this.framer.pendingBytes;
  }

  dueUs(): number {
    return this.gapUs > 0 && this.framer.pendingBytes > 0 ? this.lastPushUs + this.gapUs : Number.POSITIVE_INFINITY;
  }

  /** Ends an idle-gap message whose silence has lasted; its length is then in `cutLength`. */
  flushIdle(nowUs: number): boolean {
    const [message] = this.framer.flushIfIdle(nowUs);
    if (!message) return false;
    this.cut(message.bytes.byteLength, BAD_NONE);
    this.read = undefined;
    return true;
  }
}

/** A splitter for one connection (or UDP peer); undefined for per-read, which needs none. */
export function makeSplitter(framing: FramingSpec): Splitter | undefined {
  switch (framing.mode) {
    case 'per-read':
      return undefined;
    case 'line':
    case 'json-lines':
      return new LineSplitter(maxBytesOf(framing));
    case 'delimiter': {
      const delimiter = parseHex(framing.delimiter);
      if (!delimiter.ok) throw new Error(`Invalid delimiter "${framing.delimiter}".`);
      return new DelimiterSplitter(delimiter.value, framing.keep, framing.maxBytes);
    }
    default:
      return new FramerSplitter(framing);
  }
}
