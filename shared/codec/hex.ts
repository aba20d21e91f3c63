import { failWith } from '../errors/word';
import { ok, type Result } from '../result';
import { showChar } from './text';

/** 0–15 for a hex digit's char code, -1 for anything else. */
const DIGIT_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) DIGIT_VALUE[0x30 + i] = i;
for (let i = 0; i < 6; i++) {
  DIGIT_VALUE[0x41 + i] = 10 + i;
  DIGIT_VALUE[0x61 + i] = 10 + i;
}

function digitValue(code: number): number {
  return code < 128 ? DIGIT_VALUE[code] : -1;
}

// Besides ASCII punctuation, the full-width forms a Chinese or Japanese input method types
// (，；：、 and the ideographic space) and the no-break spaces that come with text copied from web pages.
const SEPARATOR_CODES = new Set([0x2c, 0x3a, 0x3b, 0x2d, 0xff0c, 0xff1b, 0xff1a, 0x3001]);
const WHITESPACE = /\s/;

function isSeparator(code: number): boolean {
  if (code === 0x20 || (code >= 0x09 && code <= 0x0d)) return true;
  if (code < 0x80) return SEPARATOR_CODES.has(code);
  return SEPARATOR_CODES.has(code) || WHITESPACE.test(String.fromCharCode(code));
}

/**
 * "position 7 (line 1, column 8)": the offset for programs, line and column (1-based, in UTF-16
 * code units, which is what an editor's caret counts) for people looking at a multi-line paste.
 */
export function describePosition(text: string, position: number): string {
  const { line, column } = positionParams(text, position);
  return `position ${position} (line ${line}, column ${column})`;
}

/** The offset, line and column of `position` in `text`, as an error's parameters. */
export function positionParams(text: string, position: number): { position: number; line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < position; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x0a || (code === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { position, line, column: position - lineStart + 1 };
}

function invalidChar(input: string, position: number): Result<never> {
  const char = String.fromCodePoint(input.codePointAt(position) ?? 0);
  return failWith(
    'E_HEX',
    'hex-invalid-char',
    { char: showChar(char), ...positionParams(input, position) },
    { position },
  );
}

/** Long runs are cut in the middle so the message stays one readable line. */
function excerpt(token: string): string {
  return token.length <= 24 ? token : `${token.slice(0, 10)}…${token.slice(-10)}`;
}

/**
 * Bytes from hex as people paste it: "48 65 6c", "0x48,0x65", "48:65:6C", "\x48\x65", "48656C",
 * one byte per line. Inside a token every two digits make a byte; a lone digit ("0x1, 0x2") is a
 * byte of its own, but any other odd count is refused because we cannot know which digit is missing.
 */
export function parseHex(input: string): Result<Uint8Array> {
  const n = input.length;
  // No token yields more than one byte per two characters, except a lone digit, which needs a separator.
  const out = new Uint8Array(Math.ceil(n / 2));
  let length = 0;
  let i = 0;
  while (i < n) {
    const code = input.charCodeAt(i);
    if (isSeparator(code)) {
      i++;
      continue;
    }
    const tokenStart = i;
    const next = input.charCodeAt(i + 1);
    if ((code === 0x5c || code === 0x30) && (next === 0x78 || next === 0x58)) {
      i += 2; // "\x" or "0x"
    } else if (code === 0x5c) {
      return invalidChar(input, i);
    }
    const digitsStart = i;
    while (i < n && digitValue(input.charCodeAt(i)) >= 0) i++;
    const digits = i - digitsStart;
    // A token ends at a separator, the end, or the backslash of the next "\x".
    if (i < n && !isSeparator(input.charCodeAt(i)) && input.charCodeAt(i) !== 0x5c) return invalidChar(input, i);
    if (digits === 0) {
      const prefix = input.slice(tokenStart, digitsStart);
      return failWith(
        'E_HEX',
        'hex-prefix-alone',
        { prefix, ...positionParams(input, tokenStart) },
        { position: tokenStart },
      );
    }
    if (digits === 1) {
      out[length++] = digitValue(input.charCodeAt(digitsStart));
    } else if (digits % 2 === 1) {
      const token = input.slice(tokenStart, i);
      return failWith(
        'E_HEX',
        'hex-odd-digits',
        { token: excerpt(token), position: tokenStart },
        { position: tokenStart },
      );
    } else {
      for (let d = digitsStart; d < i; d += 2) {
        out[length++] = (digitValue(input.charCodeAt(d)) << 4) | digitValue(input.charCodeAt(d + 1));
      }
    }
  }
  return ok(out.slice(0, length));
}

const HEX_UPPER: string[] = [];
const HEX_LOWER: string[] = [];
for (let b = 0; b < 256; b++) {
  HEX_UPPER.push(b.toString(16).toUpperCase().padStart(2, '0'));
  HEX_LOWER.push(b.toString(16).padStart(2, '0'));
}

// Strings are built a slice at a time: one small array per slice instead of one string per byte
// of a multi-MiB capture held at once.
const SLICE = 4096;

export interface FormatHexOptions {
  /** Between bytes; default one space. */
  separator?: string;
  /** Default true: "6C", as most protocol documents print it. */
  upper?: boolean;
}

/** "48 65 6C". */
export function formatHex(bytes: Uint8Array, options: FormatHexOptions = {}): string {
  const table = options.upper === false ? HEX_LOWER : HEX_UPPER;
  const separator = options.separator ?? ' ';
  const parts: string[] = [];
  const slice: string[] = [];
  for (let start = 0; start < bytes.length; start += SLICE) {
    const end = Math.min(start + SLICE, bytes.length);
    slice.length = 0;
    for (let i = start; i < end; i++) slice.push(table[bytes[i]]);
    parts.push(slice.join(separator));
  }
  return parts.join(separator);
}

/** The ASCII column: printable ASCII as itself, everything else a dot, as hexdump -C prints it. */
const DUMP_CHAR: string[] = [];
for (let b = 0; b < 256; b++) DUMP_CHAR.push(b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : '.');

export interface HexDumpOptions {
  /** Bytes per line; default 16. */
  width?: number;
  /** Show the |ASCII| column; default true. */
  ascii?: boolean;
  /** Show the offset column; default true. */
  offset?: boolean;
  /** The offset of bytes[0], for dumping one slice of a longer capture; default 0. */
  baseOffset?: number;
}

/**
 * `00000000  48 65 6C 6C 6F 2C 20 77  6F 72 6C 64 21 0A        |Hello, world!.|`
 * Like hexdump -C: an extra space after every 8 bytes, the last line padded so the ASCII column lines up.
 * Lines are joined with "\n", without a trailing newline.
 */
export function hexDump(bytes: Uint8Array, options: HexDumpOptions = {}): string {
  const width = Math.max(1, Math.floor(options.width ?? 16));
  const showAscii = options.ascii ?? true;
  const showOffset = options.offset ?? true;
  const base = options.baseOffset ?? 0;
  const lastOffset = base + Math.max(0, bytes.length - 1);
  const offsetDigits = Math.max(8, lastOffset.toString(16).length);
  const lines: string[] = [];
  for (let start = 0; start < bytes.length; start += width) {
    const end = Math.min(start + width, bytes.length);
    let line = showOffset ? (base + start).toString(16).toUpperCase().padStart(offsetDigits, '0') + '  ' : '';
    let hexPart = '';
    for (let k = 0; k < width; k++) {
      if (k > 0) hexPart += k % 8 === 0 ? '  ' : ' ';
      hexPart += start + k < end ? HEX_UPPER[bytes[start + k]] : '  ';
    }
    line += hexPart;
    if (showAscii) {
      let text = '';
      for (let i = start; i < end; i++) text += DUMP_CHAR[bytes[i]];
      line += `  |${text}|`;
    } else if (end - start < width) {
      line = line.trimEnd();
    }
    lines.push(line);
  }
  return lines.join('\n');
}
