import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatHex, hexDump, parseHex } from '../../shared/codec/hex';
import { ascii, errorOf, hex, unwrap } from './helpers';

describe('parseHex accepts what people paste', () => {
  it.each([
    ['48 65 6c', '48 65 6C'],
    ['48 65 6C 6C 6F', '48 65 6C 6C 6F'],
    ['0x48,0x65', '48 65'],
    ['0x48, 0x65, 0X6C', '48 65 6C'],
    ['48:65:6C', '48 65 6C'],
    ['48-65-6C', '48 65 6C'],
    ['48;65;6C', '48 65 6C'],
    ['48\n65\r\n6C', '48 65 6C'],
    ['\t48\t65 \t', '48 65'],
    ['\\x48\\x65', '48 65'],
    ['\\X48\\x65\\x6c', '48 65 6C'],
    ['48656C', '48 65 6C'],
    ['a1b2c3', 'A1 B2 C3'],
    ['A1B2 C3D4', 'A1 B2 C3 D4'],
    ['0x4865', '48 65'],
    ['0x1, 0x2, 0xF', '01 02 0F'],
    ['1 2 F', '01 02 0F'],
    ['0', '00'],
    ['48\\x65', '48 65'],
    ['48，65；6C：01、02', '48 65 6C 01 02'], // full-width punctuation from a Chinese input method
    ['48\u00a065\u300066', '48 65 66'], // no-break space from a web page, ideographic space
    ['', ''],
    ['  \n ', ''],
  ])('%j → %s', (input, expected) => {
    expect(hex(unwrap(parseHex(input)))).toBe(expected);
  });

  it('returns a Uint8Array of exactly the parsed length', () => {
    const bytes = unwrap(parseHex('01 02 03'));
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(bytes.length).toBe(3);
    expect(bytes.buffer.byteLength).toBe(3);
  });
});

describe('parseHex errors say where', () => {
  it('an invalid character, with position, line and column', () => {
    expect(errorOf(parseHex('48 65 6G'))).toMatchObject({
      code: 'E_HEX',
      message: 'Invalid hex character "G" at position 7 (line 1, column 8).',
      position: 7,
      hint: 'Hex uses 0–9 and A–F; separate bytes with spaces.',
    });
  });

  it('counts lines for multi-line pastes (CRLF is one line break)', () => {
    const error = errorOf(parseHex('48 65\r\n6C 6C\r\n6F ZZ'));
    expect(error.message).toBe('Invalid hex character "Z" at position 17 (line 3, column 4).');
    expect(error.position).toBe(17);
  });

  it('an invalid character at the start of a token and inside a prefix-less run', () => {
    expect(errorOf(parseHex('G1')).position).toBe(0);
    expect(errorOf(parseHex('4865x6C')).message).toBe('Invalid hex character "x" at position 4 (line 1, column 5).');
  });

  it('invisible characters are named by code point', () => {
    expect(errorOf(parseHex('48\u200b65')).message).toBe(
      'Invalid hex character U+200B at position 2 (line 1, column 3).',
    );
  });

  it('odd digit counts longer than one are refused', () => {
    expect(errorOf(parseHex('AB, ABC'))).toMatchObject({
      code: 'E_HEX',
      message: 'Odd number of hex digits in "ABC" at position 4: every byte needs two digits.',
      position: 4,
      hint: 'Add the missing digit (write 0A, not A), or put a space between bytes.',
    });
    expect(errorOf(parseHex('0x123')).message).toBe(
      'Odd number of hex digits in "0x123" at position 0: every byte needs two digits.',
    );
  });

  it('a very long odd run is shortened in the message', () => {
    const message = errorOf(parseHex('A'.repeat(1001))).message;
    expect(message).toBe(
      'Odd number of hex digits in "AAAAAAAAAA…AAAAAAAAAA" at position 0: every byte needs two digits.',
    );
  });

  it('a prefix with nothing after it', () => {
    expect(errorOf(parseHex('01 0x, 02')).message).toBe(
      '"0x" at position 3 (line 1, column 4) is not followed by hex digits.',
    );
    expect(errorOf(parseHex('\\x')).position).toBe(0);
  });

  it('a backslash that is not \\x', () => {
    expect(errorOf(parseHex('48\\n')).message).toBe('Invalid hex character "\\" at position 2 (line 1, column 3).');
  });
});

describe('formatHex', () => {
  it('defaults to upper case, one space', () => {
    expect(formatHex(ascii('Hel'))).toBe('48 65 6C');
    expect(formatHex(new Uint8Array(0))).toBe('');
    expect(formatHex(Uint8Array.of(0, 0xff))).toBe('00 FF');
  });

  it('honours separator and case', () => {
    expect(formatHex(ascii('Hel'), { separator: '' })).toBe('48656C');
    expect(formatHex(ascii('Hel'), { separator: ', ', upper: false })).toBe('48, 65, 6c');
  });

  it('is correct across its internal slices', () => {
    const bytes = Uint8Array.from({ length: 10_000 }, (_, i) => i & 0xff);
    const text = formatHex(bytes);
    expect(text.length).toBe(10_000 * 3 - 1);
    expect(text.slice(4096 * 3 - 6, 4096 * 3 + 5)).toBe('FE FF 00 01');
  });
});

const SEPARATORS = [' ', ',', ', ', ':', '-', ';', '\n', '\r\n', '\t', '  ', ''];

describe('parseHex(formatHex(bytes)) round trip', () => {
  it('with the default format', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(hex(unwrap(parseHex(formatHex(bytes))))).toBe(hex(bytes));
      }),
    );
  });

  it('with random separators, case and 0x / \\x prefixes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 100 }),
        fc.constantFrom(...SEPARATORS),
        fc.boolean(),
        fc.constantFrom('', '0x', '0X', '\\x'),
        (bytes, separator, upper, prefix) => {
          // "0x" needs a separator to start each token; "\x" starts its own.
          const joiner = prefix === '0x' || prefix === '0X' ? separator || ' ' : separator;
          const text = Array.from(bytes, (b) => prefix + formatHex(Uint8Array.of(b), { upper })).join(joiner);
          expect(hex(unwrap(parseHex(text)))).toBe(hex(bytes));
        },
      ),
    );
  });
});

describe('hexDump', () => {
  it('prints classic hexdump -C lines', () => {
    expect(hexDump(ascii('Hello, world!\nThis is a test of hexdump'))).toBe(
      [
        '00000000  48 65 6C 6C 6F 2C 20 77  6F 72 6C 64 21 0A 54 68  |Hello, world!.Th|',
        '00000010  69 73 20 69 73 20 61 20  74 65 73 74 20 6F 66 20  |is is a test of |',
        '00000020  68 65 78 64 75 6D 70                              |hexdump|',
      ].join('\n'),
    );
  });

  it('shows non-printable and high bytes as dots', () => {
    expect(hexDump(Uint8Array.of(0x00, 0x1f, 0x20, 0x7e, 0x7f, 0x80, 0xff))).toBe(
      '00000000  00 1F 20 7E 7F 80 FF                              |.. ~...|',
    );
  });

  it('honours width, ascii, offset and baseOffset', () => {
    const bytes = ascii('ABCDEFGHIJ');
    expect(hexDump(bytes, { width: 4, ascii: false })).toBe(
      ['00000000  41 42 43 44', '00000004  45 46 47 48', '00000008  49 4A'].join('\n'),
    );
    expect(hexDump(bytes, { width: 8, offset: false })).toBe(
      ['41 42 43 44 45 46 47 48  |ABCDEFGH|', '49 4A                    |IJ|'].join('\n'),
    );
    expect(hexDump(bytes.subarray(0, 2), { baseOffset: 0x1230 })).toBe(
      '00001230  41 42                                             |AB|',
    );
  });

  it('is empty for no bytes', () => {
    expect(hexDump(new Uint8Array(0))).toBe('');
  });

  it('handles a MiB with one line per 16 bytes', () => {
    const bytes = new Uint8Array(1 << 20).fill(0x41);
    const dump = hexDump(bytes);
    const lines = dump.split('\n');
    expect(lines.length).toBe(65536);
    expect(lines[65535]).toBe('000FFFF0  41 41 41 41 41 41 41 41  41 41 41 41 41 41 41 41  |AAAAAAAAAAAAAAAA|');
  });
});
