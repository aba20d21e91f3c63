import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToEscapedText, textToBytes } from '../../shared/codec/escapes';
import { errorOf, hex, unwrap } from './helpers';

describe('textToBytes with escapes', () => {
  it.each([
    ['AT\\r\\n', 'ascii', '41 54 0D 0A'],
    ['a\\tb', 'utf-8', '61 09 62'],
    ['\\\\', 'utf-8', '5C'],
    ['\\0', 'utf-8', '00'],
    ['\\x00\\x7F\\xff', 'utf-8', '00 7F FF'],
    ['\\XAb', 'utf-8', 'AB'],
    ['\\x0D\\x0A', 'gbk', '0D 0A'],
    // \xNN is the raw byte: 0xFF in UTF-8 stays FF, it does not become C3 BF (U+00FF encoded).
    ['\\xFF', 'utf-8', 'FF'],
    ['é\\xE9', 'utf-8', 'C3 A9 E9'],
    ['你\\xFF好', 'gbk', 'C4 E3 FF BA C3'],
    ['$GPGGA*\\x4A\\r\\n', 'ascii', '24 47 50 47 47 41 2A 4A 0D 0A'],
    // The character escapes are characters of the encoding; only \x is a raw byte.
    ['A\\r\\n', 'utf-16le', '41 00 0D 00 0A 00'],
    ['\\x41', 'utf-16le', '41'],
    ['\\x012', 'ascii', '01 32'],
    ['', 'utf-8', ''],
  ] as const)('%j in %s → %s', (text, encoding, expected) => {
    expect(hex(unwrap(textToBytes(text, encoding, true)))).toBe(expected);
  });

  it('without escapes, a backslash is just a backslash', () => {
    expect(hex(unwrap(textToBytes('a\\r\\x41\\q', 'ascii', false)))).toBe('61 5C 72 5C 78 34 31 5C 71');
  });
});

describe('escape errors name their position', () => {
  it('an unknown escape', () => {
    expect(errorOf(textToBytes('ab\\q', 'utf-8', true))).toMatchObject({
      code: 'E_ESCAPE',
      message: 'Unknown escape "\\q" at position 2 (line 1, column 3).',
      position: 2,
      hint: 'Supported escapes: \\r \\n \\t \\\\ \\0 \\xNN. Write \\\\ for a backslash itself.',
    });
  });

  it('\\x without two hex digits', () => {
    expect(errorOf(textToBytes('OK\\xZ1', 'utf-8', true)).message).toBe(
      'The escape "\\xZ" at position 2 (line 1, column 3) needs two hex digits, like \\x0D.',
    );
    expect(errorOf(textToBytes('line1\nab\\x4G', 'utf-8', true)).message).toBe(
      'The escape "\\x4G" at position 8 (line 2, column 3) needs two hex digits, like \\x0D.',
    );
    expect(errorOf(textToBytes('\\x4', 'utf-8', true)).position).toBe(0);
    expect(errorOf(textToBytes('\\x', 'utf-8', true)).code).toBe('E_ESCAPE');
  });

  it('a backslash at the very end', () => {
    const error = errorOf(textToBytes('abc\\', 'utf-8', true));
    expect(error.message).toBe('A backslash at the end of the text, position 3 (line 1, column 4), starts no escape.');
    expect(error.position).toBe(3);
  });

  it('a backslash before a line break', () => {
    expect(errorOf(textToBytes('ab\\\ncd', 'utf-8', true)).message).toBe(
      'Unknown escape: a backslash followed by U+000A at position 2 (line 1, column 3).',
    );
  });

  it('\\0 followed by a digit is refused as ambiguous (C would read it as octal)', () => {
    const error = errorOf(textToBytes('\\012', 'ascii', true));
    expect(error.code).toBe('E_ESCAPE');
    expect(error.position).toBe(0);
    expect(error.message).toBe(
      '"\\01" at position 0 (line 1, column 1) is ambiguous: octal escapes are not supported.',
    );
  });

  it('an unencodable character is reported at its position in the typed text, not after escapes shrank it', () => {
    // \r \n \t and \xFF are two or four characters typed but one byte or character after resolution.
    const error = errorOf(textToBytes('\\r\\n\\t€x\\xFFy한', 'gbk', true));
    expect(error.code).toBe('E_ENCODING');
    expect(error.message).toBe('The character "한" at position 13 cannot be written in GBK.');
    expect(error.position).toBe(13);
    expect(errorOf(textToBytes('a\\r\\né', 'ascii', true)).position).toBe(5);
  });
});

describe('bytesToEscapedText', () => {
  it('writes printable ASCII as is and escapes the rest', () => {
    expect(bytesToEscapedText(Uint8Array.of(0x41, 0x5c, 0x0d, 0x0a, 0x09, 0x00, 0x7f, 0x80, 0xff, 0x20, 0x7e))).toBe(
      'A\\\\\\r\\n\\t\\0\\x7F\\x80\\xFF ~',
    );
  });

  it('writes a zero byte before a digit as \\x00', () => {
    expect(bytesToEscapedText(Uint8Array.of(0x00, 0x31, 0x00))).toBe('\\x001\\0');
  });

  it('round-trips every byte sequence through textToBytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = bytesToEscapedText(bytes);
        expect(hex(unwrap(textToBytes(text, 'ascii', true)))).toBe(hex(bytes));
        // The escaped text is plain ASCII, so any ASCII-compatible encoding reads it back the same.
        expect(hex(unwrap(textToBytes(text, 'utf-8', true)))).toBe(hex(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips bytes that are mostly digits and zeros, where \\0 ambiguity lurks', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(0x00, 0x30, 0x37, 0x39, 0x5c, 0x78), { maxLength: 50 }), (list) => {
        const bytes = Uint8Array.from(list);
        expect(hex(unwrap(textToBytes(bytesToEscapedText(bytes), 'ascii', true)))).toBe(hex(bytes));
      }),
    );
  });
});
