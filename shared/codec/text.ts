import iconv from 'iconv-lite';
import { failWith } from '../errors/word';
import { ok, type Result } from '../result';
import type { Encoding } from './options';

export const ENCODING_LABELS: Record<Encoding, string> = {
  'utf-8': 'UTF-8',
  gbk: 'GBK',
  gb18030: 'GB18030',
  big5: 'Big5',
  shift_jis: 'Shift_JIS',
  'euc-jp': 'EUC-JP',
  'euc-kr': 'EUC-KR',
  'utf-16le': 'UTF-16LE',
  'utf-16be': 'UTF-16BE',
  'iso-8859-1': 'ISO-8859-1',
  'windows-1252': 'Windows-1252',
  ascii: 'ASCII',
};

// With the `u` flag a surrogate class only matches code units that are not half of a pair.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

// Round-tripping a whole multi-MiB paste is fast; only when it does not come back unchanged do we
// look closer, a chunk at a time, so one odd character does not cost a per-character pass over everything.
const SCAN_CHUNK = 4096;

const QUESTION_MARK = 0x3f;

/** A character is shown as itself unless it would be invisible or confusing in a message. */
export function showChar(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  const hexCode = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if (/^[\p{L}\p{N}\p{P}\p{S}]$/u.test(char)) return `"${char}"`;
  if (char === ' ') return '" " (space)';
  return hexCode;
}

/**
 * The error for a character the encoding has no bytes for. `position` counts UTF-16 code units of
 * the text the person typed, like every other position we report.
 */
export function unencodableError(char: string, position: number, encoding: Encoding): Result<never> {
  const label = ENCODING_LABELS[encoding];
  const code = char.charCodeAt(0);
  if (char.length === 1 && code >= 0xd800 && code <= 0xdfff) {
    return failWith('E_ENCODING', 'char-half', { char: showChar(char), position, encoding: label }, { position });
  }
  return failWith('E_ENCODING', 'char-unencodable', { char: showChar(char), position, encoding: label }, { position });
}

const verdictCache = new Map<Encoding, Map<string, boolean>>();

/**
 * iconv-lite writes "?" for a character its table lacks. Several tables also map more than one
 * character to the same bytes (Shift_JIS writes "¥" as 0x5C, which reads back as "\"), which is
 * encodable even though it does not round-trip, so only a "?" we did not ask for counts as missing.
 */
function isRepresentable(char: string, encoding: Encoding): boolean {
  let cache = verdictCache.get(encoding);
  if (!cache) verdictCache.set(encoding, (cache = new Map()));
  const known = cache.get(char);
  if (known !== undefined) return known;
  const bytes = iconv.encode(char, encoding);
  const verdict = iconv.decode(bytes, encoding) === char || !bytes.every((b: number) => b === QUESTION_MARK);
  if (cache.size < 65536) cache.set(char, verdict);
  return verdict;
}

function roundTrips(text: string, encoding: Encoding): boolean {
  return iconv.decode(iconv.encode(text, encoding), encoding, { stripBOM: false }) === text;
}

/** Position of the first character the encoding lacks, or -1. Only called when a round trip failed. */
function findUnencodable(text: string, encoding: Encoding): number {
  for (let start = 0; start < text.length;) {
    let end = Math.min(start + SCAN_CHUNK, text.length);
    // Never split a surrogate pair between chunks: each half alone would look unencodable.
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end++;
    const chunk = text.slice(start, end);
    if (!roundTrips(chunk, encoding)) {
      for (let i = 0; i < chunk.length;) {
        const char = String.fromCodePoint(chunk.codePointAt(i) ?? 0);
        // Big5-HKSCS has bytes for a few letter + combining-mark pairs whose mark alone has none.
        const at = start + i;
        if (
          !isRepresentable(char, encoding) &&
          !(at > 0 && roundTrips(text.slice(at - 1, at + char.length), encoding))
        ) {
          return at;
        }
        i += char.length;
      }
    }
    start = end;
  }
  return -1;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

export function encodeText(text: string, encoding: Encoding): Result<Uint8Array> {
  const lone = LONE_SURROGATE.exec(text);
  if (lone) return unencodableError(lone[0], lone.index, encoding);
  // addBOM stays false: a debugging tool sends exactly the characters typed, and a BOM is not one of them.
  const bytes: Uint8Array = iconv.encode(text, encoding, { addBOM: false });
  if (iconv.decode(bytes, encoding, { stripBOM: false }) === text) return ok(bytes);
  const position = findUnencodable(text, encoding);
  if (position < 0) return ok(bytes);
  return unencodableError(String.fromCodePoint(text.codePointAt(position) ?? 0), position, encoding);
}

/** One-shot decode. A BOM is kept (as U+FEFF): the capture shows what arrived, not a cleaned-up version. */
export function decodeText(bytes: Uint8Array, encoding: Encoding): string {
  const decoder = createTextDecoder(encoding);
  return decoder.write(bytes) + decoder.end();
}

export interface TextDecoderState {
  /** Decode the next chunk; bytes of a character that is not complete yet are held for the next call. */
  write(bytes: Uint8Array): string;
  /** Flush: an incomplete character left at the end comes out as U+FFFD. */
  end(): string;
}

/** The bytes of an unfinished character that iconv-lite's multi-byte (DBCS) decoder carries between writes. */
function carriedBytes(decoder: object): ArrayLike<number> | undefined {
  const carried = (decoder as { prevBytes?: unknown }).prevBytes;
  return Array.isArray(carried) ? carried : undefined;
}

const LONE_SURROGATES = /[\uD800-\uDFFF]/gu;

/**
 * A decoder for one byte stream (one TCP connection, one direction). TCP splits data wherever it
 * likes, so a GBK or UTF-8 character often arrives half in one read and half in the next; the text
 * must not depend on where the reads were cut.
 *
 * Not the platform TextDecoder: Node's ICU Big5 lacks the HKSCS characters iconv-lite encodes, and its
 * GB18030 decoder throws on some invalid input even when not fatal — a crash waiting for a noisy device.
 */
export function createTextDecoder(encoding: Encoding): TextDecoderState {
  let inner = iconv.getDecoder(encoding, { stripBOM: false });
  // iconv-lite 0.7's multi-byte decoder sizes its output from the current write alone, so a character
  // finished by bytes carried over from the previous write loses text (a GB18030 emoji cut 3 + 1 comes
  // back as half a surrogate; pillarjs/iconv-lite#417). So each write goes to a fresh decoder, given
  // the carried bytes plus the new ones; that is the same parse, with room for all of its output.
  // `prevBytes` is internal (iconv-lite is pinned for it): the split tests fail loudly if it changes.
  const carrying = carriedBytes(inner) !== undefined;
  const feed = (bytes: Uint8Array): string => {
    const carried = carrying ? carriedBytes(inner) : undefined;
    let data = bytes;
    if (carried && carried.length > 0) {
      data = new Uint8Array(carried.length + bytes.length);
      data.set(carried, 0);
      data.set(bytes, carried.length);
      inner = iconv.getDecoder(encoding, { stripBOM: false });
    }
    return inner.write(data as Parameters<typeof inner.write>[0]) ?? '';
  };
  const utf16 = encoding === 'utf-16le' || encoding === 'utf-16be';
  let oddByte = false;
  // iconv-lite's UTF-16 decoders hand out the two halves of a surrogate pair in separate writes;
  // holding a trailing high surrogate back makes every write's text stand on its own for display.
  let heldSurrogate = '';
  // A lone surrogate (UTF-16 garbage, or an invalid GB18030 sequence iconv-lite maps past U+10FFFF)
  // becomes U+FFFD, as WHATWG decoders do, so what we hand on is always well-formed text.
  const wellFormed = (text: string) => (LONE_SURROGATE.test(text) ? text.replace(LONE_SURROGATES, '\uFFFD') : text);
  return {
    write(bytes) {
      if (utf16 && bytes.length % 2 === 1) oddByte = !oddByte;
      let text = heldSurrogate + feed(bytes);
      heldSurrogate = '';
      if (text.length > 0 && isHighSurrogate(text.charCodeAt(text.length - 1))) {
        heldSurrogate = text.slice(-1);
        text = text.slice(0, -1);
      }
      return wellFormed(text);
    },
    end() {
      const text = heldSurrogate + (inner.end() ?? '');
      heldSurrogate = '';
      // iconv-lite drops a dangling odd byte of UTF-16 without a trace; the person should see that something was there.
      const dangling = oddByte ? '\uFFFD' : '';
      oddByte = false;
      return wellFormed(text) + dangling;
    },
  };
}
