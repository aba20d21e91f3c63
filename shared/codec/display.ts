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
export function decodeForDisplay(
  bytes: Uint8Array,
  encoding: Encoding,
  options: DisplayDecodeOptions = {},
): DisplayDecode {
  const carryIn = options.carryIn ?? EMPTY;
  const data = carryIn.length === 0 ? bytes : concat(carryIn, bytes);
  const whole = decodeText(data, encoding);
  if (!whole.includes(REPLACEMENT)) return { segments: whole ? [{ text: whole }] : [], carry: EMPTY };
  return walk(data, encoding, options.final ?? false);
}

const EMPTY = new Uint8Array(0);

/**
 * Where the walk's fast path stops growing: a clean run is decoded in one call of at most this many
 * bytes, so one bad byte in a long chunk costs a few decodes of the run around it, not one per character.
 */
const MAX_RUN = 16 * 1024;
const MIN_RUN = 16;

function walk(data: Uint8Array, encoding: Encoding, final: boolean): DisplayDecode {
  if (encoding === 'utf-8') return walkUtf8(data, final);
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
  let run = 256;
  // After a run that was not clean, a few characters go the slow way before the next try, so data
  // that is mostly garbage does not pay for failed runs on top of the per-character walk.
  let cooldown = 0;
  let i = 0;
  while (i < data.length) {
    if (cooldown > 0) cooldown--;
    else if (data.length - i > run) {
      const clean = cleanRun(data, i, run, encoding, maxLen);
      if (clean) {
        flushInvalid();
        text += clean.text;
        i += clean.length;
        run = Math.min(run * 2, MAX_RUN);
        continue;
      }
      run = Math.max(run >> 1, MIN_RUN);
      cooldown = 8;
    }
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

/**
 * The longest clean prefix of data[start, start + length) that ends at most maxLen - 1 bytes early (a
 * run cut in the middle of a character decodes with a replacement at its end; a shorter cut does not).
 * Decoders read left to right, so a clean run splits into the same characters the walk would find.
 */
function cleanRun(
  data: Uint8Array,
  start: number,
  length: number,
  encoding: Encoding,
  maxLen: number,
): { text: string; length: number } | undefined {
  for (let cut = 0; cut < maxLen && cut < length; cut++) {
    const text = decodeText(data.subarray(start, start + length - cut), encoding);
    const bad = text.indexOf(REPLACEMENT);
    if (bad < 0) return text ? { text, length: length - cut } : undefined;
    // A replacement before the last character or two is a real problem, not a cut character.
    if (bad < text.length - 2) return undefined;
  }
  return undefined;
}

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * UTF-8 by its definition instead of by trial decodes: each byte either starts a well-formed sequence
 * (WHATWG's bounds on the second byte exclude overlongs and surrogates) or is invalid on its own, the
 * same verdicts the per-character walk reaches, at the cost of one pass over the bytes.
 */
function walkUtf8(data: Uint8Array, final: boolean): DisplayDecode {
  const segments: DisplaySegment[] = [];
  let runStart = 0;
  let invalidStart = -1;
  let i = 0;
  const flushRun = (end: number) => {
    if (end > runStart) segments.push({ text: utf8.decode(data.subarray(runStart, end)) });
  };
  const flushInvalid = (end: number) => {
    if (invalidStart >= 0) segments.push({ invalid: data.slice(invalidStart, end) });
    invalidStart = -1;
  };
  while (i < data.length) {
    const length = utf8SequenceLength(data, i);
    if (length > 0) {
      if (invalidStart >= 0) {
        flushInvalid(i);
        runStart = i;
      }
      i += length;
      continue;
    }
    // Only bytes that could still become a character wait for the next read; the rest are invalid now.
    if (!final && length < 0) break;
    if (invalidStart < 0) {
      flushRun(i);
      invalidStart = i;
    }
    i++;
  }
  if (invalidStart >= 0) flushInvalid(i);
  else flushRun(i);
  return { segments, carry: i < data.length ? data.slice(i) : EMPTY };
}

/**
 * Bytes of the well-formed UTF-8 sequence at `start`; 0 when there is none; -1 when the bytes up to the end
 * are the start of one (a character cut between two reads).
 */
function utf8SequenceLength(data: Uint8Array, start: number): number {
  const lead = data[start];
  if (lead < 0x80) return 1;
  let need: number;
  let lower = 0x80;
  let upper = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) need = 1;
  else if (lead >= 0xe0 && lead <= 0xef) {
    need = 2;
    if (lead === 0xe0) lower = 0xa0;
    if (lead === 0xed) upper = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    need = 3;
    if (lead === 0xf0) lower = 0x90;
    if (lead === 0xf4) upper = 0x8f;
  } else return 0;
  for (let k = 1; k <= need; k++) {
    if (start + k >= data.length) return -1;
    const byte = data[start + k];
    if (byte < lower || byte > upper) return 0;
    lower = 0x80;
    upper = 0xbf;
  }
  return need + 1;
}

function unitBytes(encoding: Encoding): number {
  return encoding === 'utf-16le' || encoding === 'utf-16be' ? 2 : 1;
}

/** The shortest byte sequence at `start` that decodes cleanly, if any. */
function charAt(
  data: Uint8Array,
  start: number,
  maxLen: number,
  encoding: Encoding,
): { text: string; length: number } | undefined {
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
