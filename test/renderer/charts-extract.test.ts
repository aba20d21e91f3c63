import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { ENCODINGS } from '../../shared/codec/options';
import { decodeText } from '../../shared/codec/text';
import {
  compileExtractor,
  extractRows,
  MAX_MATCHES_PER_MESSAGE,
  MAX_OFFSET,
  parseNumber,
  type BinaryType,
  type Extractor,
  type ExtractorSpec,
} from '../../renderer/src/charts/extract';
import { messageText } from '../../renderer/src/charts/message-text';

// Numbers out of messages for the value charts: what a person typed in the "Add chart" form, checked with
// the words they would read, and the exact values it gives from real bytes.

function compile(spec: ExtractorSpec): Extractor {
  const result = compileExtractor(spec);
  if (!result.ok) throw new Error(`expected a working extractor, got ${result.problem.problem}`);
  return result.extractor;
}

const text = (value: string) => new TextEncoder().encode(value);
const binary = (offset: number | string, type: BinaryType, endian: 'big' | 'little', scale = ''): ExtractorSpec => ({
  kind: 'binary',
  offset: String(offset),
  type,
  endian,
  scale,
});

describe('regex extractor', () => {
  it('takes the first capture group of every match as a number', () => {
    const extractor = compile({ kind: 'regex', pattern: 'T=(-?\\d+\\.\\d+)' });
    expect(extractor.values(text('T=21.5\n'), 'T=21.5\n')).toEqual([21.5]);
    expect(extractor.values(new Uint8Array(), 'T=-3.25 T=22.0')).toEqual([-3.25, 22]);
    expect(extractor.values(new Uint8Array(), 'humidity=40')).toEqual([]);
  });

  it('skips captures that are not numbers instead of plotting a zero', () => {
    const extractor = compile({ kind: 'regex', pattern: 'v=(\\S*)' });
    expect(extractor.values(new Uint8Array(), 'v= v=0x10 v=1,5 v=7 v=1e3')).toEqual([7, 1000]);
    expect(parseNumber(' 42 ')).toBe(42);
    expect(parseNumber('')).toBeNaN();
    expect(parseNumber('Infinity')).toBeNaN();
  });

  it('reads the same text again after a message without a match (no leftover lastIndex)', () => {
    const extractor = compile({ kind: 'regex', pattern: '(\\d+)' });
    expect(extractor.values(new Uint8Array(), 'a 12345 b')).toEqual([12345]);
    expect(extractor.values(new Uint8Array(), '7')).toEqual([7]);
  });

  it('gets past a pattern that can match nothing, and stops after MAX_MATCHES_PER_MESSAGE values', () => {
    const digits = compile({ kind: 'regex', pattern: '(\\d*)' });
    expect(digits.values(new Uint8Array(), 'a1b22c')).toEqual([1, 22]);
    const numbers = compile({ kind: 'regex', pattern: '(\\d+)' });
    expect(numbers.values(new Uint8Array(), '7 '.repeat(MAX_MATCHES_PER_MESSAGE + 10))).toHaveLength(
      MAX_MATCHES_PER_MESSAGE,
    );
  });

  it('refuses an empty pattern, a broken one and one without a capture group, saying which', () => {
    expect(compileExtractor({ kind: 'regex', pattern: '' })).toMatchObject({
      ok: false,
      problem: { field: 'pattern', problem: 'patternEmpty' },
    });
    const broken = compileExtractor({ kind: 'regex', pattern: 'T=(\\d+' });
    expect(broken).toMatchObject({ ok: false, problem: { field: 'pattern', problem: 'patternInvalid' } });
    expect(!broken.ok && broken.problem.detail).toMatch(/unterminated|missing|\)/i);
    expect(compileExtractor({ kind: 'regex', pattern: 'T=\\d+' })).toMatchObject({
      ok: false,
      problem: { field: 'pattern', problem: 'patternNoGroup' },
    });
    // A non-capturing group is not a capture group.
    expect(compileExtractor({ kind: 'regex', pattern: 'T=(?:\\d+)' })).toMatchObject({ ok: false });
  });
});

describe('binary field extractor', () => {
  // 0x81 0x02 0x03 0x04 then the float32 1.5 big endian (3F C0 00 00).
  const bytes = Uint8Array.of(0x81, 0x02, 0x03, 0x04, 0x3f, 0xc0, 0x00, 0x00);
  const cases: Array<[BinaryType, 'big' | 'little', number, number]> = [
    ['int8', 'big', 0, -127],
    ['uint8', 'big', 0, 0x81],
    ['int8', 'little', 1, 2],
    ['int16', 'big', 0, (0x8102 << 16) >> 16],
    ['int16', 'little', 0, 0x0281],
    ['uint16', 'big', 0, 0x8102],
    ['uint16', 'little', 0, 0x0281],
    ['int32', 'big', 0, 0x81020304 | 0],
    ['int32', 'little', 0, 0x04030281],
    ['uint32', 'big', 0, 0x81020304],
    ['uint32', 'little', 0, 0x04030281],
    ['float32', 'big', 4, 1.5],
    ['float32', 'little', 4, new DataView(Uint8Array.of(0x00, 0x00, 0xc0, 0x3f).buffer).getFloat32(0, false)],
  ];
  it.each(cases)('%s %s endian at offset %d reads %d', (type, endian, offset, expected) => {
    expect(compile(binary(offset, type, endian)).values(bytes, '')).toEqual([expected]);
  });

  it('reads from a view into a larger buffer at the view, not at the buffer start', () => {
    const bigger = Uint8Array.of(0xff, 0xff, 0x00, 0x2a);
    expect(compile(binary(0, 'uint16', 'big')).values(bigger.subarray(2), '')).toEqual([42]);
  });

  it('multiplies by the scale', () => {
    // 215 tenths of a degree.
    const extractor = compile(binary(0, 'uint16', 'big', '0.1'));
    expect(extractor.values(Uint8Array.of(0x00, 0xd7), '')[0]).toBeCloseTo(21.5, 10);
  });

  it('gives no value for a message too short for the field', () => {
    const extractor = compile(binary(3, 'uint16', 'big'));
    expect(extractor.values(Uint8Array.of(1, 2, 3), '')).toEqual([]);
    expect(extractor.values(Uint8Array.of(1, 2, 3, 4, 5), '')).toEqual([0x0405]);
  });

  it('refuses a bad offset or scale, saying which field', () => {
    for (const offset of ['', '-1', '1.5', 'abc', String(MAX_OFFSET + 1)])
      expect(compileExtractor(binary(offset, 'uint8', 'big'))).toMatchObject({
        ok: false,
        problem: { field: 'offset', problem: 'offsetInvalid' },
      });
    expect(compileExtractor(binary(0, 'uint8', 'big', 'ten'))).toMatchObject({
      ok: false,
      problem: { field: 'scale', problem: 'scaleInvalid' },
    });
  });
});

describe('rows from one message', () => {
  it('lines up the k-th value of each series in row k, at the message time, NaN where a series has fewer', () => {
    const temperature = compile({ kind: 'regex', pattern: 'T=(\\d+(?:\\.\\d+)?)' });
    const firstByte = compile(binary(0, 'uint8', 'big'));
    const message = 'T=21.5 T=22';
    const rows = extractRows([temperature, firstByte], text(message), message, 1_700_000_000_000_000);
    expect(rows).toEqual([
      [1_700_000_000_000_000, 21.5, 'T'.charCodeAt(0)],
      [1_700_000_000_000_000, 22, NaN],
    ]);
    expect(extractRows([temperature], text('nothing'), 'nothing', 1)).toEqual([]);
  });
});

describe('message text for the patterns', () => {
  it('gives exactly what the codec gives, for plain ASCII in every encoding and for anything else', () => {
    const ascii = Uint8Array.from({ length: 128 }, (_, i) => i);
    const chinese = iconv.encode('温度=25.4℃', 'gbk');
    for (const encoding of ENCODINGS) {
      expect(messageText(ascii, encoding)).toBe(decodeText(ascii, encoding));
      expect(messageText(chinese, encoding)).toBe(decodeText(chinese, encoding));
      expect(messageText(new Uint8Array(2000).fill(0x41), encoding)).toBe(
        decodeText(new Uint8Array(2000).fill(0x41), encoding),
      );
    }
    expect(messageText(chinese, 'gbk')).toBe('温度=25.4℃');
  });
});
