import { failWith } from '../errors/word';
import { ok, type Result } from '../result';
import { positionParams } from './hex';
import type { Encoding } from './options';
import { encodeText, showChar, unencodableError } from './text';

const SIMPLE_ESCAPES: Record<string, string> = { r: '\r', n: '\n', t: '\t', '\\': '\\', '0': '\0' };

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/**
 * A run of text to be encoded: `text` with the simple escapes already resolved, and where each
 * resolved escape sits, so an encoding error can point at the character the person typed.
 */
interface Literal {
  text: string;
  start: number;
  escapesAt: number[];
}

/**
 * Text to bytes. With escapes, \r \n \t \\ \0 stand for those characters (encoded like the rest of
 * the text, so "\r\n" in UTF-16LE is 0D 00 0A 00), while \xNN is the raw byte NN whatever the encoding:
 * that is how a person puts a byte that is no character (0xFF in UTF-8) into a text message.
 */
export function textToBytes(text: string, encoding: Encoding, escapes: boolean): Result<Uint8Array> {
  if (!escapes) return encodeText(text, encoding);

  const pieces: Uint8Array[] = [];
  let rawBytes: number[] = [];
  let literal: Literal = { text: '', start: 0, escapesAt: [] };
  // Plain text is copied a run at a time, not a character at a time: pastes can be MiBs long.
  let runStart = 0;

  const flushLiteral = (): Result<null> => {
    if (literal.text.length > 0) {
      const encoded = encodeText(literal.text, encoding);
      if (!encoded.ok) {
        const at = encoded.error.position ?? 0;
        const before = literal.escapesAt.filter((p) => p < at).length;
        // Each resolved escape is one character that was two in the typed text.
        const position = literal.start + at + before;
        return unencodableError(String.fromCodePoint(text.codePointAt(position) ?? 0), position, encoding);
      }
      pieces.push(encoded.value);
    }
    return ok(null);
  };
  const flushRaw = () => {
    if (rawBytes.length > 0) pieces.push(Uint8Array.from(rawBytes));
    rawBytes = [];
  };

  let i = 0;
  while (i < text.length) {
    i = text.indexOf('\\', i);
    if (i < 0) break;
    const letter = text[i + 1];
    if (letter === undefined) {
      return failWith('E_ESCAPE', 'escape-at-end', positionParams(text, i), { position: i });
    }
    if (letter === 'x' || letter === 'X') {
      const high = hexValue(text.charCodeAt(i + 2));
      const low = hexValue(text.charCodeAt(i + 3));
      if (high < 0 || low < 0) {
        const shown = text.slice(i, high < 0 ? i + 3 : i + 4).replace(/[\r\n]+$/, '');
        return failWith('E_ESCAPE', 'escape-needs-hex', { escape: shown, ...positionParams(text, i) }, { position: i });
      }
      literal.text += text.slice(runStart, i);
      if (literal.text.length > 0) {
        flushRaw();
        const flushed = flushLiteral();
        if (!flushed.ok) return flushed;
      }
      rawBytes.push((high << 4) | low);
      i += 4;
      runStart = i;
      literal = { text: '', start: i, escapesAt: [] };
      continue;
    }
    const resolved = SIMPLE_ESCAPES[letter];
    if (resolved === undefined) {
      const char = String.fromCodePoint(text.codePointAt(i + 1) ?? 0);
      const shown = showChar(char);
      return shown.startsWith('"')
        ? failWith('E_ESCAPE', 'escape-unknown', { letter: char, ...positionParams(text, i) }, { position: i })
        : failWith('E_ESCAPE', 'escape-unknown-char', { char: shown, ...positionParams(text, i) }, { position: i });
    }
    // C reads \012 as an octal byte; rather than guess which was meant, ask for \x.
    if (letter === '0' && isDigit(text.charCodeAt(i + 2))) {
      return failWith('E_ESCAPE', 'escape-octal', { digit: text[i + 2]!, ...positionParams(text, i) }, { position: i });
    }
    literal.text += text.slice(runStart, i);
    literal.escapesAt.push(literal.text.length);
    literal.text += resolved;
    i += 2;
    runStart = i;
  }
  literal.text += text.slice(runStart);
  flushRaw();
  const flushed = flushLiteral();
  if (!flushed.ok) return flushed;
  return ok(concat(pieces));
}

function concat(pieces: Uint8Array[]): Uint8Array {
  if (pieces.length === 1) return pieces[0];
  let total = 0;
  for (const piece of pieces) total += piece.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

const ESCAPED: string[] = [];
for (let b = 0; b < 256; b++) {
  if (b === 0x5c) ESCAPED.push('\\\\');
  else if (b === 0x0d) ESCAPED.push('\\r');
  else if (b === 0x0a) ESCAPED.push('\\n');
  else if (b === 0x09) ESCAPED.push('\\t');
  else if (b === 0x00) ESCAPED.push('\\0');
  else if (b >= 0x20 && b <= 0x7e) ESCAPED.push(String.fromCharCode(b));
  else ESCAPED.push('\\x' + b.toString(16).toUpperCase().padStart(2, '0'));
}

/**
 * Bytes as text a person can read and edit, which `textToBytes(…, 'ascii', true)` turns back into
 * exactly the same bytes. A zero byte before a digit is written \x00, since "\01" would be refused as ambiguous.
 */
export function bytesToEscapedText(bytes: Uint8Array): string {
  const parts: string[] = [];
  let slice = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    slice += b === 0 && i + 1 < bytes.length && isDigit(bytes[i + 1]) ? '\\x00' : ESCAPED[b];
    if (slice.length >= 4096) {
      parts.push(slice);
      slice = '';
    }
  }
  parts.push(slice);
  return parts.join('');
}
