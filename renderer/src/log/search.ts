import { formatHex, parseHex } from '../../../shared/codec/hex';
import type { Encoding } from '../../../shared/codec/options';
import { decodeText, encodeText } from '../../../shared/codec/text';

// What a search of the log looks for, compiled once per query so that testing a row is a byte loop (text
// and hex) or one regex test over the row's decoded text, never a parse.

/** text: the characters, found in the bytes as the receive encoding writes them; hex: bytes; regex: a pattern over the decoded text. */
export type SearchMode = 'text' | 'hex' | 'regex';
export type DirectionFilter = 'both' | 'rx' | 'tx';

export interface SearchQuery {
  text: string;
  mode: SearchMode;
  matchCase: boolean;
  direction: DirectionFilter;
  /** A part of the peer's address or of the connection id ("127.0.0.1:5001", ":5001", "c3"); empty for all. */
  peer: string;
}

export const EMPTY_QUERY: SearchQuery = { text: '', mode: 'text', matchCase: false, direction: 'both', peer: '' };

/** What one row offers a matcher: its kind, its bytes as held, and who it is with. */
export interface RowFacts {
  kind: 'rx' | 'tx' | 'note' | 'gap';
  bytes: Uint8Array;
  peer: string | undefined;
  connection: string | null;
  /**
   * The row's text when its bytes are plain ASCII and the scan had it at hand (a slice of its decoded chunk);
   * undefined otherwise, and the matcher decodes the bytes itself.
   */
  asciiText: string | undefined;
}

export interface RowMatcher {
  /** Nothing to look for and nothing filtered: every row is shown as it is. */
  readonly everything: boolean;
  /** There is a pattern (text, hex or regex), not only filters. */
  readonly hasPattern: boolean;
  /** The rows' peer and connection matter (a peer filter is set); otherwise a scan need not look them up. */
  readonly needsPeer: boolean;
  /** The matcher reads the rows' decoded text: a scan offers `asciiText`. */
  readonly needsText: boolean;
  matches(row: RowFacts): boolean;
  /**
   * The regex, when it has no assertions (^ $ \b \B lookarounds), for a scan to run over many rows' text at
   * once: what it matches in one row it matches there in any surrounding text, so a stretch of text where
   * it finds nothing holds no matching row. Global, so a scan can start it anywhere with `lastIndex`.
   */
  readonly blockPattern?: RegExp;
  /** Where the pattern appears in a piece of text shown for a row: [start, end) pairs, in order. */
  highlight(shown: string, view: 'text' | 'hex' | 'both'): Array<[number, number]>;
}

export type Compiled = { ok: true; matcher: RowMatcher } | { ok: false; error: string };

/** Encodings in which a byte below 0x80 is always that ASCII character, never part of another one. */
const ASCII_SAFE = new Set<Encoding>([
  'utf-8',
  'ascii',
  'iso-8859-1',
  'windows-1252',
  'gbk',
  'gb18030',
  'big5',
  'euc-kr',
  'euc-jp',
]);

/**
 * A row's text for matching. Most captured rows are plain ASCII, which every ASCII-safe encoding decodes to
 * the same characters: those are read straight from the bytes, an order of magnitude faster than a decoder.
 */
export function decodeForSearch(bytes: Uint8Array, encoding: Encoding): string {
  if (encoding === 'iso-8859-1' || (ASCII_SAFE.has(encoding) && isAsciiBytes(bytes))) return latin1(bytes);
  return decodeText(bytes, encoding);
}

function isAsciiBytes(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] > 0x7f) return false;
  return true;
}

function latin1(bytes: Uint8Array): string {
  let text = '';
  for (let at = 0; at < bytes.length; at += 4096)
    text += String.fromCharCode.apply(null, bytes.subarray(at, at + 4096) as unknown as number[]);
  return text;
}

/** Encodings where the bytes of a text can be found as they are: no character's bytes contain another's. */
const BYTE_SEARCHABLE = new Set<Encoding>(['utf-8', 'ascii', 'iso-8859-1', 'windows-1252']);

export function compileSearch(query: SearchQuery, encoding: Encoding): Compiled {
  const peer = query.peer.trim();
  const passesFilters = (row: RowFacts): boolean => {
    if (query.direction !== 'both' && row.kind !== query.direction) return false;
    if (peer && !(row.peer?.includes(peer) || row.connection?.includes(peer))) return false;
    return true;
  };
  const filtered = query.direction !== 'both' || peer !== '';
  const textOf = ASCII_SAFE.has(encoding)
    ? (row: RowFacts) => row.asciiText ?? decodeForSearch(row.bytes, encoding)
    : (row: RowFacts) => decodeText(row.bytes, encoding);
  const blank = query.mode === 'hex' ? query.text.trim() === '' : query.text === '';
  if (blank) {
    return {
      ok: true,
      matcher: {
        everything: !filtered,
        hasPattern: false,
        needsPeer: peer !== '',
        needsText: false,
        matches: (row) => (row.kind === 'gap' ? !filtered : passesFilters(row)),
        highlight: () => [],
      },
    };
  }

  if (query.mode === 'regex') {
    let pattern: RegExp;
    try {
      pattern = new RegExp(query.text, query.matchCase ? 'g' : 'gi');
    } catch (error) {
      return { ok: false, error: `This is not a regular expression: ${(error as Error).message}` };
    }
    const test = (text: string) => {
      pattern.lastIndex = 0;
      return pattern.test(text);
    };
    return {
      ok: true,
      matcher: {
        everything: false,
        hasPattern: true,
        needsPeer: peer !== '',
        needsText: true,
        blockPattern: assertionFree(query.text) ? new RegExp(query.text, pattern.flags) : undefined,
        matches: (row) => isData(row) && passesFilters(row) && test(textOf(row)),
        highlight: (shown, view) => (view === 'text' ? regexRanges(pattern, shown) : []),
      },
    };
  }

  let needle: Uint8Array;
  if (query.mode === 'hex') {
    const parsed = parseHex(query.text);
    if (!parsed.ok) return { ok: false, error: parsed.error.message };
    needle = parsed.value;
  } else {
    const encoded = encodeText(query.text, encoding);
    if (!encoded.ok) return { ok: false, error: encoded.error.message };
    needle = encoded.value;
  }
  const hexNeedle = formatHex(needle);
  const foldCase = query.mode === 'text' && !query.matchCase;
  const textNeedle = query.mode === 'text' ? query.text : decodeText(needle, encoding);
  // Bytes are compared directly when that finds exactly what the text would; otherwise each row is decoded.
  const byBytes = query.mode === 'hex' || (BYTE_SEARCHABLE.has(encoding) && (!foldCase || isAscii(query.text)));
  const folded = foldCase ? foldAscii(needle) : needle;
  const lowerNeedle = textNeedle.toLowerCase();
  const inText = (text: string) => (foldCase ? text.toLowerCase().includes(lowerNeedle) : text.includes(textNeedle));
  return {
    ok: true,
    matcher: {
      everything: false,
      hasPattern: true,
      needsPeer: peer !== '',
      needsText: !byBytes,
      matches: (row) =>
        isData(row) &&
        passesFilters(row) &&
        (byBytes ? indexOfBytes(row.bytes, folded, foldCase, 0) >= 0 : inText(textOf(row))),
      highlight: (shown, view) =>
        view === 'text'
          ? textRanges(shown, foldCase ? lowerNeedle : textNeedle, foldCase)
          : textRanges(shown, hexNeedle, false),
    },
  };
}

/**
 * The pattern asserts nothing about what lies around a match. Conservative: an escaped character is a
 * character, `[^` negates a class, and any other ^ or $, \b or \B, or lookaround counts as an assertion.
 */
export function assertionFree(source: string): boolean {
  const plain = source.replace(/\\([bB])|\\[\s\S]/g, (_all, boundary: string | undefined) => (boundary ? '^' : 'x'));
  return !/[\^$]|\(\?<?[=!]/.test(plain.replace(/\[\^/g, '['));
}

function isData(row: RowFacts): boolean {
  return row.kind === 'rx' || row.kind === 'tx';
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

function foldAscii(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i] >= 0x41 && bytes[i] <= 0x5a ? bytes[i] | 0x20 : bytes[i];
  return out;
}

/** Where `needle` starts in `haystack` from `from`, -1 if nowhere; `fold` compares ASCII letters without case (the needle is folded already). */
export function indexOfBytes(haystack: Uint8Array, needle: Uint8Array, fold: boolean, from: number): number {
  const n = needle.length;
  if (n === 0) return from <= haystack.length ? from : -1;
  const first = needle[0];
  const last = haystack.length - n;
  for (let i = from; i <= last; i++) {
    let b = haystack[i];
    if (fold && b >= 0x41 && b <= 0x5a) b |= 0x20;
    if (b !== first) continue;
    let k = 1;
    for (; k < n; k++) {
      let c = haystack[i + k];
      if (fold && c >= 0x41 && c <= 0x5a) c |= 0x20;
      if (c !== needle[k]) break;
    }
    if (k === n) return i;
  }
  return -1;
}

function textRanges(shown: string, needle: string, foldCase: boolean): Array<[number, number]> {
  if (!needle) return [];
  const haystack = foldCase ? shown.toLowerCase() : shown;
  const ranges: Array<[number, number]> = [];
  // toLowerCase can change a string's length (rarely: "İ"); then positions would not line up, so highlight nothing.
  if (haystack.length !== shown.length) return ranges;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length))
    ranges.push([at, at + needle.length]);
  return ranges;
}

function regexRanges(pattern: RegExp, shown: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  pattern.lastIndex = 0;
  for (let found = pattern.exec(shown); found; found = pattern.exec(shown)) {
    if (found[0].length === 0) {
      // An empty match highlights nothing and must not stop the walk.
      pattern.lastIndex++;
      continue;
    }
    ranges.push([found.index, found.index + found[0].length]);
  }
  return ranges;
}
