import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENCODINGS, type Encoding } from '../../shared/codec/options';
import { createTextDecoder, decodeText, ENCODING_LABELS, encodeText } from '../../shared/codec/text';
import { errorOf, hex, unwrap } from './helpers';

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => String.fromCharCode(from + i));
const PRINTABLE_ASCII = range(0x20, 0x7e);
const chars = (text: string) => Array.from(text);

/** What each encoding can certainly write, for the round-trip properties. */
const REPERTOIRE: Record<Encoding, string[] | 'any'> = {
  'utf-8': 'any',
  'utf-16le': 'any',
  'utf-16be': 'any',
  gb18030: 'any',
  ascii: range(0x00, 0x7f),
  'iso-8859-1': range(0x00, 0xff),
  'windows-1252': [...range(0x00, 0x7f), ...range(0xa0, 0xff), ...chars('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ')],
  gbk: [
    ...PRINTABLE_ASCII,
    '\r',
    '\n',
    ...chars(
      '你好世界中文测试网络调试助手串口发送接收数据十六进制编码错误连接断开服务器客户端，。！？：；“”（）【】€々ぁアБя',
    ),
  ],
  big5: [
    ...PRINTABLE_ASCII,
    '\r',
    '\n',
    ...chars('中文網路調試助手傳送接收資料編碼錯誤連線伺服器用戶端臺灣，。！？「」'),
  ],
  shift_jis: [
    ...PRINTABLE_ASCII,
    '\r',
    '\n',
    ...chars('こんにちは日本語のテキストカタカナ漢字送信受信データ、。ｱｲｳｴｵ'),
  ],
  'euc-jp': [...PRINTABLE_ASCII, '\r', '\n', ...chars('こんにちは日本語のテキストカタカナ漢字送信受信データ、。ｱｲｳｴｵ')],
  'euc-kr': [...PRINTABLE_ASCII, '\r', '\n', ...chars('안녕하세요한국어데이터전송수신연결韓國語')],
};

function textOf(encoding: Encoding): fc.Arbitrary<string> {
  const repertoire = REPERTOIRE[encoding];
  // 'binary' draws whole code points, so it never produces a lone surrogate.
  return repertoire === 'any'
    ? fc.string({ unit: 'binary', maxLength: 200 })
    : fc.string({ unit: fc.constantFrom(...repertoire), maxLength: 200 });
}

describe('labels', () => {
  it('every encoding has a human name', () => {
    expect(Object.keys(ENCODING_LABELS).sort()).toEqual([...ENCODINGS].sort());
    expect(ENCODING_LABELS.gbk).toBe('GBK');
    expect(ENCODING_LABELS.shift_jis).toBe('Shift_JIS');
    expect(ENCODING_LABELS['utf-16le']).toBe('UTF-16LE');
  });
});

describe('round trip of representable text', () => {
  it.each(ENCODINGS.map((e) => [e]))('%s', (encoding) => {
    fc.assert(
      fc.property(textOf(encoding), (text) => {
        const bytes = unwrap(encodeText(text, encoding));
        expect(decodeText(bytes, encoding)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});

describe('known bytes', () => {
  it.each([
    ['你好', 'gbk', 'C4 E3 BA C3'],
    ['你好', 'gb18030', 'C4 E3 BA C3'],
    ['你好', 'utf-8', 'E4 BD A0 E5 A5 BD'],
    ['中文', 'big5', 'A4 A4 A4 E5'],
    ['日本', 'shift_jis', '93 FA 96 7B'],
    ['日本', 'euc-jp', 'C6 FC CB DC'],
    ['한국', 'euc-kr', 'C7 D1 B1 B9'],
    ['A', 'utf-16le', '41 00'],
    ['A', 'utf-16be', '00 41'],
    ['😀', 'utf-16le', '3D D8 00 DE'],
    ['😀', 'gb18030', '94 39 FC 36'],
    ['é', 'iso-8859-1', 'E9'],
    ['€', 'windows-1252', '80'],
    ['Hi\r\n', 'ascii', '48 69 0D 0A'],
  ] as const)('%j in %s = %s', (text, encoding, expected) => {
    expect(hex(unwrap(encodeText(text, encoding)))).toBe(expected);
  });

  it('UTF-16 is written without a BOM', () => {
    expect(hex(unwrap(encodeText('', 'utf-16le')))).toBe('');
    expect(hex(unwrap(encodeText('AB', 'utf-16be')))).toBe('00 41 00 42');
  });

  it('GBK writes € as 0x80, as Windows code page 936 and the WHATWG GBK encoder do', () => {
    expect(hex(unwrap(encodeText('€', 'gbk')))).toBe('80');
  });

  it('Shift_JIS writes ¥ as 0x5C: a character several map to is still writable', () => {
    expect(hex(unwrap(encodeText('¥', 'shift_jis')))).toBe('5C');
  });

  it('a literal question mark is not mistaken for a missing character', () => {
    expect(hex(unwrap(encodeText('a?b', 'gbk')))).toBe('61 3F 62');
  });
});

describe('characters an encoding cannot write', () => {
  it('a Korean syllable in GBK: E_ENCODING with its position', () => {
    const error = errorOf(encodeText('Temperature:한', 'gbk'));
    expect(error).toMatchObject({
      code: 'E_ENCODING',
      message: 'The character "한" at position 12 cannot be written in GBK.',
      position: 12,
      hint: 'Choose an encoding that has it (UTF-8 or GB18030), or send it as hex.',
    });
  });

  it('€ in Shift_JIS, ISO-8859-1 and ASCII', () => {
    expect(errorOf(encodeText('price: 5€', 'shift_jis')).message).toBe(
      'The character "€" at position 8 cannot be written in Shift_JIS.',
    );
    expect(errorOf(encodeText('5€', 'iso-8859-1')).position).toBe(1);
    expect(errorOf(encodeText('€', 'ascii')).code).toBe('E_ENCODING');
  });

  it('ASCII rejects anything above 0x7F', () => {
    const error = errorOf(encodeText('é', 'ascii'));
    expect(error.message).toBe('The character "é" at position 0 cannot be written in ASCII.');
    expect(error.position).toBe(0);
    expect(errorOf(encodeText('abc\u0080', 'ascii')).message).toBe(
      'The character U+0080 at position 3 cannot be written in ASCII.',
    );
    expect(hex(unwrap(encodeText('\u007f', 'ascii')))).toBe('7F');
  });

  it('an emoji outside the table is reported whole, at the position of its first half', () => {
    expect(errorOf(encodeText('ok 😀', 'big5')).message).toBe(
      'The character "😀" at position 3 cannot be written in Big5.',
    );
  });

  it('finds the first bad character deep inside a long text, after writable look-alikes', () => {
    const text = '¥'.repeat(10_000) + 'データ' + 'x'.repeat(5000) + '€' + '€';
    const error = errorOf(encodeText(text, 'shift_jis'));
    expect(error.position).toBe(15_003);
  });

  it('a letter + combining mark Big5 has one code for is writable even where the scan splits it', () => {
    // 4096 is the scan's chunk size: the pair straddles two chunks, and only the emoji is missing.
    const text = 'a'.repeat(4095) + '\u00CA\u0304' + '😀';
    expect(errorOf(encodeText(text, 'big5')).position).toBe(4097);
    expect(hex(unwrap(encodeText('\u00CA\u0304', 'big5')))).toBe('88 62');
  });

  it('a lone surrogate is refused in every encoding, even UTF-16', () => {
    for (const encoding of ENCODINGS) {
      const error = errorOf(encodeText('ab\uD83D', encoding));
      expect(error.code).toBe('E_ENCODING');
      expect(error.position).toBe(2);
    }
    expect(errorOf(encodeText('\uDE00x', 'utf-8')).message).toBe(
      'The text has half of a character (U+DE00) at position 0, which cannot be written in UTF-8.',
    );
  });
});

/** Text each multi-byte encoding can write, mixing 1-, 2-, 3- and 4-byte characters where it has them. */
const SPLIT_SAMPLES: Array<[Encoding, string]> = [
  ['gbk', 'AT+测试,你好世界\r\nOK'],
  ['gb18030', 'A你好€😀ḿ\u00e9Z'],
  ['utf-8', 'a€你😀é\r\n'],
  ['big5', '中文網路AB調試\u00CA\u0304'], // the last two are one Big5-HKSCS code, 88 62
  ['shift_jis', 'ｱ日本語テキストX'],
  ['euc-jp', 'ｱ日本語テキストX'],
  ['euc-kr', '안녕하세요 a 韓國'],
  ['utf-16le', 'A你😀b'],
  ['utf-16be', 'A你😀b'],
];

function decodeInParts(bytes: Uint8Array, encoding: Encoding, cuts: number[]): string[] {
  const decoder = createTextDecoder(encoding);
  const outputs: string[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    outputs.push(decoder.write(bytes.subarray(from, cut)));
    from = cut;
  }
  outputs.push(decoder.end());
  return outputs;
}

describe('stateful decoding across reads', () => {
  it.each(SPLIT_SAMPLES)('%s: every split into two reads decodes to the original', (encoding, text) => {
    const bytes = unwrap(encodeText(text, encoding));
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(decodeInParts(bytes, encoding, [cut]).join(''), `split at ${cut}`).toBe(text);
    }
  });

  it.each(SPLIT_SAMPLES)('%s: random multi-way splits decode to the original', (encoding) => {
    fc.assert(
      fc.property(textOf(encoding), fc.array(fc.nat(), { maxLength: 8 }), (text, rawCuts) => {
        const bytes = unwrap(encodeText(text, encoding));
        const cuts = rawCuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b);
        expect(decodeInParts(bytes, encoding, cuts).join('')).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it('a GB18030 four-byte character completed by a short read does not swallow what follows', () => {
    // iconv-lite alone returns only "\uD83D" here and loses "A"; the wrapper must not.
    const bytes = unwrap(encodeText('😀A', 'gb18030'));
    expect(hex(bytes)).toBe('94 39 FC 36 41');
    expect(decodeInParts(bytes, 'gb18030', [3])).toEqual(['', '😀A', '']);
    expect(decodeInParts(bytes, 'gb18030', [1, 2, 3, 4]).join('')).toBe('😀A');
  });

  it('a Big5-HKSCS plane-2 character split after its first byte arrives whole', () => {
    const bytes = unwrap(encodeText('𨋢A', 'big5'));
    expect(hex(bytes)).toBe('9D F2 41');
    expect(decodeInParts(bytes, 'big5', [1])).toEqual(['', '𨋢A', '']);
  });

  it('an invalid GB18030 sequence that iconv-lite maps to lone surrogates comes out as U+FFFD', () => {
    expect(decodeText(Uint8Array.of(0xe3, 0x32, 0x9a, 0x36, 0x41), 'gb18030')).toBe('\uFFFD\uFFFDA');
  });

  it.each(ENCODINGS.map((e) => [e]))(
    '%s: arbitrary bytes, even invalid ones, decode the same however they are split',
    (encoding) => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 64 }), fc.array(fc.nat(), { maxLength: 8 }), (bytes, rawCuts) => {
          const cuts = rawCuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b);
          expect(decodeInParts(bytes, encoding, cuts).join('')).toBe(decodeText(bytes, encoding));
        }),
        { numRuns: 300 },
      );
    },
  );

  it('each write returns whole characters only, never half a surrogate pair', () => {
    for (const encoding of ['utf-8', 'utf-16le', 'utf-16be', 'gb18030'] as const) {
      const bytes = unwrap(encodeText('😀😀', encoding));
      for (let cut = 0; cut <= bytes.length; cut++) {
        for (const part of decodeInParts(bytes, encoding, [cut])) {
          expect(part, `${encoding} split at ${cut}`).not.toMatch(/[\uD800-\uDFFF]/u);
        }
      }
    }
  });

  it('a GBK character cut in half arrives whole with the second read', () => {
    const decoder = createTextDecoder('gbk');
    expect(decoder.write(Uint8Array.of(0x41, 0xc4))).toBe('A');
    expect(decoder.write(Uint8Array.of(0xe3, 0x42))).toBe('你B');
    expect(decoder.end()).toBe('');
  });

  it('an incomplete character at the end of the stream shows as U+FFFD', () => {
    const gbk = createTextDecoder('gbk');
    expect(gbk.write(Uint8Array.of(0x41, 0xc4)) + gbk.end()).toBe('A\uFFFD');
    const utf8 = createTextDecoder('utf-8');
    expect(utf8.write(Uint8Array.of(0xe4, 0xbd)) + utf8.end()).toBe('\uFFFD');
    const utf16 = createTextDecoder('utf-16le');
    expect(utf16.write(Uint8Array.of(0x41, 0x00, 0x42)) + utf16.end()).toBe('A\uFFFD');
    const utf16be = createTextDecoder('utf-16be');
    expect(utf16be.write(Uint8Array.of(0xd8, 0x3d)) + utf16be.end()).toBe('\uFFFD');
  });

  it('a BOM is shown, not silently dropped', () => {
    expect(decodeText(Uint8Array.of(0xef, 0xbb, 0xbf, 0x41), 'utf-8')).toBe('\uFEFFA');
    expect(decodeText(Uint8Array.of(0xff, 0xfe, 0x41, 0x00), 'utf-16le')).toBe('\uFEFFA');
  });

  it('decodes known bytes', () => {
    expect(decodeText(Uint8Array.of(0xc4, 0xe3, 0xba, 0xc3), 'gbk')).toBe('你好');
    expect(decodeText(Uint8Array.of(0x93, 0xfa, 0x96, 0x7b), 'shift_jis')).toBe('日本');
    expect(decodeText(Uint8Array.of(0x80), 'windows-1252')).toBe('€');
    expect(decodeText(Uint8Array.of(0x80), 'iso-8859-1')).toBe('\u0080');
  });
});
