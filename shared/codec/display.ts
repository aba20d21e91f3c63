import type { Encoding } from './options';
import { decodeText, encodeText } from './text';

/** Decoded text, or bytes that are not valid in the encoding — shown as \xNN, never dropped. */
export type DisplaySegment = { text: string } | { invalid: Uint8Array };

export interface DisplayDecode {
  segments: DisplaySegment[];
  /**
   * Trailing bytes that may be the start of a character whose rest is in the stream's next chunk.
   * Empty when `final` was set: then every byte is shown, as text or as invalid.
   */
  carry: Uint8Array;
}

export interface DisplayDecodeOptions {
  /** The previous chunk's `carry`, for a character TCP split across two reads. */
  carryIn?: Uint8Array;
  /** No more bytes will follow: an unfinished character at the end is invalid, not carried. */
  final?: boolean;
}

/** The longest byte sequence of one character in each encoding. */
const MAX_CHAR_BYTES: Record<Encoding, number> = {
  'utf-8': 4,
  gbk: 2,
  gb18030: 4,
  big5: 2,
  shift_jis: 2,
  'euc-jp': 3,
  'euc-kr': 2,
  'utf-16le': 4,
  'utf-16be': 4,
  'iso-8859-1': 1,
  'windows-1252': 1,
  ascii: 1,
};

const REPLACEMENT = '\uFFFD';

/**
 * Decode one captured chunk for a person to read. Decoders turn every bad byte into the same U+FFFD,
 * which hides what arrived; a debugging tool must show it. So the whole chunk is decoded at once when
 * it is clean (the common case), and only a chunk with a replacement character is walked one
 * character at a time to find which bytes are at fault.
 */
export function decodeForDisplay(bytes: Uint8Array, encoding: Encoding, options: DisplayDecodeOptions = {}): DisplayDecode {
  const carryIn = options.carryIn ?? EMPTY;
  const data = carryIn.length === 0 ? bytes : concat(carryIn, bytes);
  const whole = decodeText(data, encoding);
  if (!whole.includes(REPLACEMENT)) return { segments: whole ? [{ text: whole }] : [], carry: EMPTY };
  return walk(data, encoding, options.final ?? false);
}

const EMPTY = new Uint8Array(0);

function walk(data: Uint8Array, encoding: Encoding, final: boolean): DisplayDecode {
  const maxLen = MAX_CHAR_BYTES[encoding];
  const segments: DisplaySegment[] = [];
  let text = '';
  let invalid: number[] = [];
  const flushText = () => {
    if (text) segments.push({ text });
    text = '';
  };
  const flushInvalid = () => {
    if (invalid.length) segments.push({ invalid: Uint8Array.from(invalid) });
    invalid = [];
  };
  let i = 0;
  while (i < data.length) {
    const char = charAt(data, i, maxLen, encoding);
    if (char) {
      flushInvalid();
      text += char.text;
      i += char.length;
      continue;
    }
    // Too few bytes left to tell a broken character from one that is still arriving.
    if (!final && data.length - i < maxLen) break;
    flushText();
    // UTF-16 is read in two-byte units: a lone surrogate is one bad unit, and skipping a single byte
    // would misread everything after it.
    const bad = Math.min(unitBytes(encoding), data.length - i);
    for (let k = 0; k < bad; k++) invalid.push(data[i + k]);
    i += bad;
  }
  flushText();
  flushInvalid();
  return { segments, carry: i < data.length ? data.slice(i) : EMPTY };
}

function unitBytes(encoding: Encoding): number {
  return encoding === 'utf-16le' || encoding === 'utf-16be' ? 2 : 1;
}

/** The shortest byte sequence at `start` that decodes cleanly, if any. */
function charAt(data: Uint8Array, start: number, maxLen: number, encoding: Encoding): { text: string; length: number } | undefined {
  const limit = Math.min(maxLen, data.length - start);
  for (let length = 1; length <= limit; length++) {
    const slice = data.subarray(start, start + length);
    const text = decodeText(slice, encoding);
    if (!text) continue;
    if (!text.includes(REPLACEMENT) || isRealReplacementChar(text, slice, encoding)) return { text, length };
  }
  return undefined;
}

/** U+FFFD itself may have been sent (EF BF BD in UTF-8); that is text, not a decoding failure. */
function isRealReplacementChar(text: string, slice: Uint8Array, encoding: Encoding): boolean {
  if (text !== REPLACEMENT) return false;
  const encoded = encodeText(REPLACEMENT, encoding);
  return encoded.ok && encoded.value.length === slice.length && encoded.value.every((b, k) => b === slice[k]);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
