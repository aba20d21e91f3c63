import { checksumValue } from '../../../shared/codec/checksum';
import { MAX_MESSAGE_BYTES, MAX_PENDING_BYTES, type ViewFraming } from './choice';

// Splitters find where messages end in one connection's bytes, read by read, and say so with numbers
// only: the view re-splits a million-message history on every framing change, so nothing here may
// allocate per message or per byte. The log keeps the bytes; the view keeps where messages start.

/** What is wrong with a message; 0 is nothing. */
export const BAD_NONE = 0;
/** Modbus RTU: the CRC-16 at its end does not match. */
export const BAD_CRC = 1;
/** A length field (or Modbus header) gives a length no message can have. */
export const BAD_LENGTH = 2;
/** A delimiter or line end did not come within MAX_PENDING_BYTES. */
export const BAD_NO_DELIMITER = 3;
/** Modbus RTU: a function code whose frame length is not known. */
export const BAD_FUNCTION = 4;
/** Bytes of the message are not in the log (the view skipped records, or kept only the start of a long one). */
export const BAD_MISSING = 5;
export type BadReason = 0 | 1 | 2 | 3 | 4 | 5;

export abstract class Splitter {
  /** Bytes of the message under way. */
  count = 0;
  /** Set by `next` when it cuts: the message's length as shown (a stripped delimiter not counted) … */
  cutLength = 0;
  /** … and what is wrong with it. */
  cutBad: BadReason = BAD_NONE;

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

  protected cut(length: number, bad: BadReason): void {
    this.cutLength = length;
    this.cutBad = bad;
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

/** Knuth–Morris–Pratt over the delimiter, so a delimiter cut between two reads is still found. */
export class DelimiterSplitter extends Splitter {
  private matched = 0;
  private readonly fallback: Int32Array;

  constructor(
    private readonly delimiter: Uint8Array,
    private readonly keep: boolean,
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
    if (n === 1 && this.matched === 0) {
      const found = find(bytes, d[0], at, end);
      if (found >= 0) {
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
          this.cut(this.keep ? length : length - n, BAD_NONE);
          return i + 1;
        }
      }
      this.matched = m;
    }
    this.count += end - at;
    if (this.count >= MAX_PENDING_BYTES) {
      this.cut(this.count, BAD_NO_DELIMITER);
      return end;
    }
    return -1;
  }

  reset(): void {
    super.reset();
    this.matched = 0;
  }
}

/** LF ends a line; a CR right before it goes too. JSON lines are lines. */
export class LineSplitter extends Splitter {
  private lastByte = -1;

  next(bytes: Uint8Array, at: number, end: number): number {
    const found = find(bytes, 0x0a, at, end);
    if (found >= 0) {
      const before = found > at ? bytes[found - 1] : this.lastByte;
      const length = this.count + found - at;
      this.cut(before === 0x0d && length > 0 ? length - 1 : length, BAD_NONE);
      return found + 1;
    }
    if (end > at) this.lastByte = bytes[end - 1];
    this.count += end - at;
    if (this.count >= MAX_PENDING_BYTES) {
      this.cut(this.count, BAD_NO_DELIMITER);
      return end;
    }
    return -1;
  }

  reset(): void {
    super.reset();
    this.lastByte = -1;
  }
}

export class FixedSplitter extends Splitter {
  constructor(private readonly length: number) {
    super();
  }

  next(_bytes: Uint8Array, at: number, end: number): number {
    const need = this.length - this.count;
    const available = end - at;
    if (available >= need) {
      this.cut(this.length, BAD_NONE);
      return at + need;
    }
    this.count += available;
    return -1;
  }
}

/**
 * A header with the length in it. The header's bytes are copied (they may come in pieces); the rest is only
 * counted. An impossible length makes the header a bad message and the search starts again right after it.
 */
export class LengthFieldSplitter extends Splitter {
  private readonly header: Uint8Array;
  private total = -1;

  constructor(
    private readonly offset: number,
    private readonly size: 1 | 2 | 4,
    private readonly littleEndian: boolean,
    private readonly includesHeader: boolean,
    private readonly adjustment: number,
    private readonly minTotal = 0,
    private readonly maxTotal = MAX_MESSAGE_BYTES,
  ) {
    super();
    this.header = new Uint8Array(offset + size);
  }

  next(bytes: Uint8Array, at: number, end: number): number {
    let i = at;
    const headerLength = this.header.length;
    while (this.total < 0) {
      if (i >= end) return -1;
      this.header[this.count++] = bytes[i++];
      if (this.count === headerLength) {
        const value = this.value();
        const total = (this.includesHeader ? value : headerLength + value) + this.adjustment;
        if (total < headerLength || total < this.minTotal || total > this.maxTotal) {
          this.cut(this.count, BAD_LENGTH);
          return i;
        }
        this.total = total;
      }
    }
    const need = this.total - this.count;
    const available = end - i;
    if (available >= need) {
      this.cut(this.total, BAD_NONE);
      return i + need;
    }
    this.count += available;
    return -1;
  }

  private value(): number {
    const h = this.header;
    const o = this.offset;
    if (this.size === 1) return h[o];
    if (this.size === 2) return this.littleEndian ? h[o] | (h[o + 1] << 8) : (h[o] << 8) | h[o + 1];
    return this.littleEndian
      ? (h[o] | (h[o + 1] << 8) | (h[o + 2] << 16) | (h[o + 3] << 24)) >>> 0
      : ((h[o] << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3]) >>> 0;
  }

  reset(): void {
    super.reset();
    this.total = -1;
  }
}

/** Modbus TCP: the MBAP header's length (bytes 4–5, big endian) counts what follows it; an ADU is 8 to 260 bytes. */
export function modbusTcpSplitter(): LengthFieldSplitter {
  return new LengthFieldSplitter(4, 2, false, false, 0, 8, 260);
}

/**
 * Modbus RTU: the length follows from the function code, and a request and its response differ (read
 * holding registers: 8 bytes asked, 5 + byte count answered). Both lengths are tried, shorter first, and
 * the CRC decides; when neither CRC matches, the shorter frame is marked bad. An unknown function code
 * marks the address byte bad and the search starts again at the next byte, which finds the next frame
 * after garbage.
 */
export class ModbusRtuSplitter extends Splitter {
  private readonly frame = new Uint8Array(264);
  /** The shorter candidate length whose CRC did not match, while the longer one is read. */
  private shorter = 0;

  next(bytes: Uint8Array, at: number, end: number): number {
    for (let i = at; i < end; i++) {
      this.frame[this.count++] = bytes[i];
      if (this.count < 2) continue;
      const candidate = this.candidate(this.count);
      if (candidate === UNKNOWN_FUNCTION) {
        this.cut(1, BAD_FUNCTION);
        return i;
      }
      if (candidate === NOT_YET) continue;
      const n = this.count;
      const crc = checksumValue('crc16-modbus', this.frame.subarray(0, n - 2));
      const good = crc === (this.frame[n - 2] | (this.frame[n - 1] << 8));
      if (good) {
        this.cut(n, BAD_NONE);
        return i + 1;
      }
      if (candidate === SHORTER) {
        this.shorter = n;
        continue;
      }
      // Neither length has a matching CRC: the shorter frame is the bad one, and the bytes after it start
      // the next, when they are still in this read; else the longer one is marked.
      const extra = this.shorter > 0 ? n - this.shorter : 0;
      if (extra > 0 && i + 1 - extra >= at) {
        this.cut(this.shorter, BAD_CRC);
        return i + 1 - extra;
      }
      this.cut(n, BAD_CRC);
      return i + 1;
    }
    return -1;
  }

  reset(): void {
    super.reset();
    this.shorter = 0;
  }

  /** Whether a frame of `n` bytes could end here, given the bytes so far. */
  private candidate(n: number): number {
    const f = this.frame;
    const code = f[1];
    if (code & 0x80) return n === 5 ? LAST : NOT_YET;
    switch (code) {
      case 1:
      case 2:
      case 3:
      case 4: {
        if (n < 3) return NOT_YET;
        const response = 5 + f[2];
        if (n === Math.min(response, 8)) return response === 8 ? LAST : SHORTER;
        return n === Math.max(response, 8) ? LAST : NOT_YET;
      }
      case 5:
      case 6:
        return n === 8 ? LAST : NOT_YET;
      case 15:
      case 16:
        if (n === 8) return SHORTER;
        return n >= 7 && n === 9 + f[6] ? LAST : NOT_YET;
      case 22:
        return n === 10 ? LAST : NOT_YET;
      default:
        return UNKNOWN_FUNCTION;
    }
  }
}

const NOT_YET = 0;
const SHORTER = 1;
const LAST = 2;
const UNKNOWN_FUNCTION = 3;

/** A silence of `gapMs` between two reads ends a message; the last one ends once the silence has lasted. */
export class IdleGapSplitter extends Splitter {
  private lastUs = 0;

  constructor(private readonly gapUs: number) {
    super();
  }

  next(_bytes: Uint8Array, at: number, end: number, wallUs: number): number {
    if (this.count > 0 && wallUs - this.lastUs >= this.gapUs) {
      this.cut(this.count, BAD_NONE);
      return at;
    }
    this.count += end - at;
    this.lastUs = wallUs;
    return -1;
  }

  dueUs(): number {
    return this.count > 0 ? this.lastUs + this.gapUs : Number.POSITIVE_INFINITY;
  }

  /** Ends the message under way (its silence has lasted); its length is then in `cutLength`. */
  flush(): void {
    this.cut(this.count, BAD_NONE);
  }
}

/** A splitter for one connection (or UDP peer); undefined for per-read, which needs none. */
export function makeSplitter(framing: ViewFraming): Splitter | undefined {
  switch (framing.mode) {
    case 'per-read':
      return undefined;
    case 'line':
    case 'json-lines':
      return new LineSplitter();
    case 'delimiter':
      return new DelimiterSplitter(framing.delimiter, framing.keep);
    case 'fixed':
      return new FixedSplitter(framing.length);
    case 'length-field':
      return new LengthFieldSplitter(
        framing.offset,
        framing.size,
        framing.endian === 'le',
        framing.includesHeader,
        framing.adjustment,
      );
    case 'idle-gap':
      return new IdleGapSplitter(framing.gapMs * 1000);
    case 'modbus-rtu':
      return new ModbusRtuSplitter();
    case 'modbus-tcp':
      return modbusTcpSplitter();
  }
}
