import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeForDisplay, type DisplaySegment } from '../../shared/codec/display';
import { ENCODINGS, type Encoding } from '../../shared/codec/options';
import { decodeText, encodeText } from '../../shared/codec/text';
import { bytesOf, hex, unwrap } from './helpers';

// What the log shows for a captured chunk: the text, with every byte the encoding rejects shown as
// itself. Nothing is hidden behind a replacement character, and nothing is dropped.

function shown(segments: DisplaySegment[]): string {
  return segments.map((s) => ('text' in s ? s.text : `[${hex(s.invalid)}]`)).join('');
}

function decode(spaced: string, encoding: Encoding, options: Parameters<typeof decodeForDisplay>[2] = { final: true }) {
  const result = decodeForDisplay(bytesOf(spaced), encoding, options);
  return { text: shown(result.segments), carry: hex(result.carry) };
}

describe('decodeForDisplay', () => {
  it('marks each byte UTF-8 rejects and keeps the text around it', () => {
    expect(decode('48 69 FF 21', 'utf-8')).toEqual({ text: 'Hi[FF]!', carry: '' });
    // GBK "你好，" read as UTF-8: C3 A3 happens to be valid ("ã"), the rest is not.
    expect(decode('C4 E3 BA C3 A3 AC', 'utf-8').text).toBe('[C4 E3 BA]ã[AC]');
  });

  it('reads the same bytes correctly in the right encoding', () => {
    expect(decode('C4 E3 BA C3 A3 AC', 'gbk').text).toBe('你好，');
    expect(decode('C4 E3 BA C3 81 0A', 'gbk').text).toBe('你好[81]\n');
  });

  it('carries an unfinished character to the next chunk, and calls it invalid only at the very end', () => {
    expect(decode('E4 BD A0 E5 A5', 'utf-8', {})).toEqual({ text: '你', carry: 'E5 A5' });
    expect(decode('BD', 'utf-8', { carryIn: bytesOf('E5 A5'), final: true })).toEqual({ text: '好', carry: '' });
    expect(decode('E4 BD A0 E5 A5', 'utf-8', { final: true }).text).toBe('你[E5 A5]');
    expect(decode('C4 E3 BA', 'gbk', {})).toEqual({ text: '你', carry: 'BA' });
  });

  it('waits only for bytes that can still become a UTF-8 character: GBK 您好 shows its bad bytes at once', () => {
    // C4 cannot be followed by FA, FA starts nothing, BA continues nothing: only the trailing C3 may wait.
    expect(decode('C4 FA BA C3', 'utf-8', {})).toEqual({ text: '[C4 FA BA]', carry: 'C3' });
    expect(decode('41 E0 80', 'utf-8', {})).toEqual({ text: 'A[E0 80]', carry: '' });
    expect(decode('41 F0 9F 98', 'utf-8', {})).toEqual({ text: 'A', carry: 'F0 9F 98' });
  });

  it('a U+FFFD that was really sent is text, not an error', () => {
    expect(decode('EF BF BD 41', 'utf-8').text).toBe('\uFFFDA');
  });

  it('reads UTF-16 in two-byte units, so one bad unit does not shift the rest', () => {
    expect(decode('3D D8 00 DE 41 00', 'utf-16le').text).toBe('😀A');
    expect(decode('00 D8 41 00', 'utf-16le').text).toBe('[00 D8]A');
  });

  it('single-byte encodings flag the bytes they have no character for', () => {
    expect(decode('41 80 42', 'ascii').text).toBe('A[80]B');
    expect(decode('41 81 42', 'windows-1252').text).toBe('A[81]B');
    expect(decode('41 81 42', 'iso-8859-1').text).toBe('A\u0081B');
  });

  it('any text in any encoding, cut anywhere into two reads, shows exactly that text', () => {
    const samples: Record<Encoding, string> = {
      'utf-8': 'héllo 你好 😀',
      gbk: '你好，世界 abc',
      gb18030: '你好 😀 €',
      big5: '中文網路',
      shift_jis: 'こんにちは ｱｲｳ',
      'euc-jp': 'こんにちは漢字',
      'euc-kr': '안녕하세요',
      'utf-16le': 'hi 😀 你',
      'utf-16be': 'hi 😀 你',
      'iso-8859-1': 'café ÿ',
      'windows-1252': 'price €5 “quoted”',
      ascii: 'plain text',
    };
    for (const encoding of ENCODINGS) {
      const bytes = unwrap(encodeText(samples[encoding], encoding));
      for (let cut = 0; cut <= bytes.length; cut++) {
        const first = decodeForDisplay(bytes.subarray(0, cut), encoding);
        const second = decodeForDisplay(bytes.subarray(cut), encoding, { carryIn: first.carry, final: true });
        expect(shown(first.segments) + shown(second.segments), `${encoding} cut at ${cut}`).toBe(samples[encoding]);
      }
    }
  });

  it('on random bytes, the text is what a standard UTF-8 decoder reads, and every other byte is shown', () => {
    const reference = new TextDecoder('utf-8');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        // A real U+FFFD in the input is text for us and indistinguishable from an error for the reference.
        fc.pre(!hex(bytes).includes('EF BF BD'));
        const { segments, carry } = decodeForDisplay(bytes, 'utf-8', { final: true });
        expect(carry.length).toBe(0);
        const text = segments.map((s) => ('text' in s ? s.text : '')).join('');
        const invalidBytes = segments.reduce((n, s) => n + ('invalid' in s ? s.invalid.length : 0), 0);
        const standard = reference.decode(bytes);
        expect(text).toBe(standard.replace(/\uFFFD/g, ''));
        // Every byte is either part of the text or shown as invalid: re-encoding the text accounts for the rest.
        expect(new TextEncoder().encode(text).length + invalidBytes).toBe(bytes.length);
      }),
      { numRuns: 1000 },
    );
  });

  it('long chunks give the same verdicts as a character-by-character reading, however text and garbage mix', () => {
    const samples: Partial<Record<Encoding, string>> = {
      'utf-8': '温度=25.4℃ ok 😀',
      gbk: '温度=25.4℃ 你好',
      gb18030: '温度 😀 €',
      big5: '中文網路',
      shift_jis: 'こんにちは ｱｲｳ',
      'euc-kr': '안녕하세요',
      'utf-16le': 'hi 😀 你',
    };
    for (const [encoding, sample] of Object.entries(samples) as Array<[Encoding, string]>) {
      const text = unwrap(encodeText(sample, encoding));
      fc.assert(
        fc.property(
          fc.array(fc.oneof(fc.constant(text), fc.uint8Array({ maxLength: 6 })), { maxLength: 60 }),
          fc.boolean(),
          (parts, final) => {
            const bytes = concat(parts);
            const fast = decodeForDisplay(bytes, encoding, { final });
            const slow = referenceWalk(bytes, encoding, final);
            expect({ text: shown(fast.segments), carry: hex(fast.carry) }, encoding).toEqual({
              text: shown(slow.segments),
              carry: hex(slow.carry),
            });
          },
        ),
        { numRuns: 150 },
      );
    }
  });
});

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * The definition the fast paths must agree with: at each byte, the shortest sequence that decodes cleanly, else one bad
 * unit.
 */
/**
 * Whether more bytes could still make these a character. UTF-8 can be told exactly: a streaming decoder
 * holds a well-formed prefix back and answers at once for anything else. The other encodings are given the
 * benefit of the doubt, as the walk gives it.
 */
function couldStillBecomeText(tail: Uint8Array, encoding: Encoding): boolean {
  if (encoding !== 'utf-8') return true;
  return new TextDecoder('utf-8').decode(tail, { stream: true }) === '';
}

function referenceWalk(
  data: Uint8Array,
  encoding: Encoding,
  final: boolean,
): { segments: DisplaySegment[]; carry: Uint8Array } {
  const maxLen: Partial<Record<Encoding, number>> = {
    'utf-8': 4,
    gbk: 2,
    gb18030: 4,
    big5: 2,
    shift_jis: 2,
    'euc-kr': 2,
    'utf-16le': 4,
  };
  const unit = encoding === 'utf-16le' ? 2 : 1;
  const encodedReplacement = encodeText('\uFFFD', encoding);
  const realReplacement = encodedReplacement.ok ? hex(encodedReplacement.value) : undefined;
  const segments: DisplaySegment[] = [];
  let i = 0;
  const push = (segment: DisplaySegment) => {
    const last = segments[segments.length - 1];
    if (last && 'text' in last && 'text' in segment) last.text += segment.text;
    else if (last && 'invalid' in last && 'invalid' in segment)
      segments[segments.length - 1] = { invalid: Uint8Array.from([...last.invalid, ...segment.invalid]) };
    else segments.push(segment);
  };
  while (i < data.length) {
    let found = 0;
    for (let length = 1; length <= Math.min(maxLen[encoding]!, data.length - i); length++) {
      const slice = data.subarray(i, i + length);
      const text = decodeText(slice, encoding);
      if (text && (!text.includes('\uFFFD') || (text === '\uFFFD' && hex(slice) === realReplacement))) {
        push({ text });
        found = length;
        break;
      }
    }
    if (found) {
      i += found;
      continue;
    }
    if (!final && data.length - i < maxLen[encoding]! && couldStillBecomeText(data.subarray(i), encoding)) break;
    const bad = Math.min(unit, data.length - i);
    push({ invalid: data.slice(i, i + bad) });
    i += bad;
  }
  return { segments, carry: data.slice(i) };
}
