import { decodeForDisplay, type DisplaySegment } from '../../../shared/codec/display';
import { formatHex, hexDump } from '../../../shared/codec/hex';
import type { Encoding } from '../../../shared/codec/options';
import type { SessionLog } from '../state/log';

/** How a pane shows records: decoded text, hex bytes, or a hex dump with its ASCII column. */
export type ViewMode = 'text' | 'hex' | 'both';

/** What one row's content is made of: plain text, bytes the encoding rejects, and invisible controls made visible. */
export type Piece = { kind: 'text'; text: string } | { kind: 'bad'; text: string } | { kind: 'ctl'; text: string };

export interface RowContent {
  pieces: Piece[];
  /**
   * Bytes of the record not formatted: past the slices shown, or held only by the capture. Said on screen, never
   * hidden.
   */
  omittedBytes: number;
}

/**
 * How much of one record a row formats at first. A log row is a glance; formatting a 64 KiB read as
 * text or hex for every visible row would cost a frame many times over, and a person asks for more.
 */
export const FIRST_SLICE = 1024;
/** Each "show more" formats this much more, one slice at a time (hex is never formatted more than 32 KiB at once). */
export const MORE_SLICE = 32 * 1024;
/** How far to look for the neighbouring chunk of the same TCP stream. */
const NEIGHBOUR_SEARCH = 256;
/** Formatted rows kept per view; a screenful is a few dozen, this covers scrolling back and forth. */
const CACHE_ROWS = 600;

const CONTROL_NAMES: Record<number, string> = {
  0x00: '\\0',
  0x07: '\\a',
  0x08: '\\b',
  0x0b: '\\v',
  0x0c: '\\f',
  0x0d: '\\r',
  0x1b: '\\e',
  0x7f: '\\x7F',
};
// Newlines and tabs lay the text out; every other C0 or C1 control character is shown, not swallowed.
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

function hex2(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}

function textPieces(text: string, out: Piece[]): void {
  let at = 0;
  for (const match of text.matchAll(CONTROLS)) {
    if (match.index > at) out.push({ kind: 'text', text: text.slice(at, match.index) });
    const code = match[0].charCodeAt(0);
    out.push({ kind: 'ctl', text: CONTROL_NAMES[code] ?? `\\x${hex2(code)}` });
    at = match.index + 1;
  }
  if (at < text.length) out.push({ kind: 'text', text: at === 0 ? text : text.slice(at) });
}

function segmentsToPieces(segments: DisplaySegment[]): Piece[] {
  const pieces: Piece[] = [];
  for (const segment of segments) {
    if ('text' in segment) textPieces(segment.text, pieces);
    else pieces.push({ kind: 'bad', text: Array.from(segment.invalid, (b) => `\\x${hex2(b)}`).join('') });
  }
  return pieces;
}

export interface RowRequest {
  log: SessionLog;
  serial: number;
  /** The rows the view shows: a neighbour outside them (a paused view's future) does not count. */
  lo: number;
  hi: number;
  mode: ViewMode;
  /** The receive encoding: rx rows and tx rows sent without one (hex, echo) are decoded with it. */
  encoding: Encoding;
  /** Bytes to format, FIRST_SLICE unless the person asked for more. */
  shown: number;
  /** The whole record, when it was read from the capture because the row holds only its start. */
  full?: Uint8Array;
}

/**
 * Formats the rows a view shows, and only those: bytes are decoded when a row becomes visible, so
 * switching the encoding of a million-row history costs one screenful. Results are kept per row,
 * setting and neighbour, a few hundred at a time.
 */
export class RowFormatter {
  private readonly rows = new Map<string, RowContent>();
  private readonly carries = new Map<string, Uint8Array>();

  content(request: RowRequest): RowContent {
    const { log, serial, lo, hi, mode, shown, full } = request;
    // Our own text sends are shown in the encoding they were sent in, whatever the view receives with.
    const encoding = rowEncoding(log, serial, request.encoding);
    const bytes = full ?? log.bytes(serial);
    const total = full ? full.byteLength : log.fullLength(serial);
    const limit = Math.min(bytes.byteLength, shown);
    if (mode !== 'text') {
      return this.remember(`${serial}|${mode}|${limit}|${full ? 1 : 0}`, () => ({
        pieces: hexPieces(bytes, limit, mode),
        omittedBytes: total - limit,
      }));
    }
    // A TCP direction is one byte stream cut into reads anywhere: a character cut between two reads is
    // shown whole, in the row whose read completed it. A UDP datagram stands alone.
    const previous = log.streamNeighbour(serial, -1, NEIGHBOUR_SEARCH, lo, hi);
    const hasNext = log.streamNeighbour(serial, 1, NEIGHBOUR_SEARCH, lo, hi) >= 0;
    const carryIn =
      previous >= 0 && rowEncoding(log, previous, request.encoding) === encoding
        ? this.carryOf(log, previous, encoding)
        : undefined;
    const final = !hasNext && limit >= total;
    return this.remember(
      `${serial}|text|${encoding}|${limit}|${carryIn?.length ?? 0}|${final ? 1 : 0}|${full ? 1 : 0}`,
      () => {
        const decoded = decodeForDisplay(bytes.subarray(0, limit), encoding, { carryIn, final });
        // Bytes held back at the end of a slice belong to what is not shown yet.
        const held = limit < total ? decoded.carry.length : 0;
        return { pieces: segmentsToPieces(decoded.segments), omittedBytes: total - limit + held };
      },
    );
  }

  /**
   * Formats a framed message: its bytes gathered from one or more reads (`bytes` holds its first `shown` or
   * fewer, `total` is its length). A message is decoded on its own: a character never spans two messages.
   * `key` names the message and its length, which grows while it is pending.
   */
  message(key: string, bytes: Uint8Array, total: number, mode: ViewMode, encoding: Encoding): RowContent {
    const limit = bytes.byteLength;
    if (mode !== 'text')
      return this.remember(`m|${key}|${mode}|${limit}`, () => ({
        pieces: hexPieces(bytes, limit, mode),
        omittedBytes: total - limit,
      }));
    return this.remember(`m|${key}|text|${encoding}|${limit}`, () => {
      const decoded = decodeForDisplay(bytes, encoding, { final: limit >= total });
      const held = limit < total ? decoded.carry.length : 0;
      return { pieces: segmentsToPieces(decoded.segments), omittedBytes: total - limit + held };
    });
  }

  /** Forget everything, e.g. when the rows' serials start over. */
  clear(): void {
    this.rows.clear();
    this.carries.clear();
  }

  /** The unfinished character at the end of a row, which the next row of its stream starts with. */
  private carryOf(log: SessionLog, serial: number, encoding: Encoding): Uint8Array | undefined {
    // Only the start of a long record is held; what ends it is not known here.
    if (log.fullLength(serial) > log.length(serial)) return undefined;
    const key = `${serial}|${encoding}`;
    let carry = this.carries.get(key);
    if (!carry) {
      const bytes = log.bytes(serial);
      carry = decodeForDisplay(bytes.subarray(tailStart(bytes, encoding)), encoding).carry;
      this.carries.set(key, carry);
      if (this.carries.size > CACHE_ROWS) this.carries.delete(this.carries.keys().next().value!);
    }
    return carry.length > 0 ? carry : undefined;
  }

  private remember(key: string, make: () => RowContent): RowContent {
    let content = this.rows.get(key);
    if (!content) {
      content = make();
      this.rows.set(key, content);
      if (this.rows.size > CACHE_ROWS) this.rows.delete(this.rows.keys().next().value!);
    }
    return content;
  }
}

/** The encoding a row is decoded with: a text send's own, else the view's receive encoding. */
export function rowEncoding(log: SessionLog, serial: number, receiveEncoding: Encoding): Encoding {
  return log.sentEncoding(serial) ?? receiveEncoding;
}

/**
 * Where to start decoding to learn how a record ends: a few KiB from its end, just after a byte that is
 * a character of its own in every offered encoding (below 0x30 no multi-byte encoding uses a byte
 * inside a character), so the decode is aligned as it would be from the start.
 */
function tailStart(bytes: Uint8Array, encoding: Encoding): number {
  const window = 2048;
  if (bytes.length <= window * 2) return 0;
  const from = bytes.length - window;
  // UTF-16 is aligned by position: an even offset from the start is a unit boundary.
  if (encoding === 'utf-16le' || encoding === 'utf-16be') return from - (from % 2);
  for (let i = from; i < bytes.length; i++) if (bytes[i] < 0x30) return i + 1;
  return 0;
}

function hexPieces(bytes: Uint8Array, limit: number, mode: 'hex' | 'both'): Piece[] {
  const pieces: Piece[] = [];
  for (let start = 0; start < limit; start += MORE_SLICE) {
    const slice = bytes.subarray(start, Math.min(start + MORE_SLICE, limit));
    const text = mode === 'hex' ? formatHex(slice) : hexDump(slice, { baseOffset: start });
    pieces.push({ kind: 'text', text: start === 0 ? text : (mode === 'hex' ? ' ' : '\n') + text });
  }
  return pieces;
}

/** 12:34:56.789 in local time: a person compares it with the device's own clock. */
export function formatTime(wallMs: number): string {
  const date = new Date(wallMs);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

export function formatBytes(count: number): string {
  if (count < 1024) return `${count} B`;
  if (count < 1024 * 1024) return `${(count / 1024).toFixed(1)} KiB`;
  if (count < 1024 * 1024 * 1024) return `${(count / (1024 * 1024)).toFixed(1)} MiB`;
  return `${(count / (1024 * 1024 * 1024)).toFixed(2)} GiB`;
}
