import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checksumBytes } from '../../shared/codec';
import { FramingSpec, type FramingSpecInput } from '../../shared/contract';
import { Framer, frameAll, type FramedMessage } from '../../shared/framing';

// The framer alone: every mode, messages that span pushes and pushes that hold many messages, bad frames
// marked and kept, and (with fast-check) any cutting of the same bytes gives the same messages.

const enc = new TextEncoder();
const text = (s: string) => enc.encode(s);
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex').toUpperCase();
const spec = (input: FramingSpecInput) => FramingSpec.parse(input);

/** Push `chunks` one by one, 1 ms apart, seq 1, 2, 3 …; returns what came out, as text or hex. */
function run(input: FramingSpecInput, chunks: Array<string | Uint8Array>, flush = false) {
  const framer = new Framer(spec(input));
  const messages: FramedMessage[] = [];
  chunks.forEach((chunk, i) => {
    const bytes = typeof chunk === 'string' ? text(chunk) : chunk;
    messages.push(...framer.push(bytes, 1_000_000 + i * 1000, i * 1000, i + 1));
  });
  if (flush) messages.push(...framer.flush());
  return { framer, messages };
}

const asText = (messages: FramedMessage[]) => messages.map((m) => Buffer.from(m.bytes).toString('latin1'));

function modbus(...bytes: number[]): Uint8Array {
  const body = Uint8Array.from(bytes);
  return Uint8Array.from([...body, ...checksumBytes('crc16-modbus', body)]);
}
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((part) => [...part]));

describe('per-read', () => {
  it('gives each push as one message, untouched', () => {
    const { messages, framer } = run({ mode: 'per-read' }, ['ab\ncd', 'e', '\n']);
    expect(asText(messages)).toEqual(['ab\ncd', 'e', '\n']);
    expect(messages.map((m) => m.firstSeq)).toEqual([1, 2, 3]);
    expect(framer.pendingBytes).toBe(0);
  });
});

describe('delimiter and lines', () => {
  it('splits on LF, strips it, and keeps the partial tail pending', () => {
    const { messages, framer } = run({ mode: 'delimiter', delimiter: '0A' }, ['a\nbb\n\nc']);
    expect(asText(messages)).toEqual(['a', 'bb', '']);
    expect(Buffer.from(framer.pending()!.bytes).toString()).toBe('c');
  });

  it('finds a two-byte delimiter cut between two reads and keeps it when asked', () => {
    const { messages } = run({ mode: 'delimiter', delimiter: '0D 0A', keep: true }, [
      'one\r',
      '\ntwo\r\nthr',
      'ee\r',
      '\n',
    ]);
    expect(asText(messages)).toEqual(['one\r\n', 'two\r\n', 'three\r\n']);
  });

  it('a message spanning reads keeps the time and seq of its first byte, and the seq of its last', () => {
    const { messages } = run({ mode: 'delimiter', delimiter: '0A' }, ['x', 'y', 'z\nw\n']);
    expect(messages[0]).toMatchObject({ wallUs: 1_000_000, monoUs: 0, firstSeq: 1, lastSeq: 3 });
    expect(messages[1]).toMatchObject({ wallUs: 1_002_000, monoUs: 2000, firstSeq: 3, lastSeq: 3 });
  });

  it('line strips LF and CRLF; a lone CR inside stays', () => {
    const { messages } = run({ mode: 'line' }, ['a\r\nb\n', 'c\rd\r', '\n']);
    expect(asText(messages)).toEqual(['a', 'b', 'c\rd']);
  });

  it('json-lines marks a line that is not JSON bad and still delivers it', () => {
    const { messages } = run({ mode: 'json-lines' }, ['{"t":21.5}\n{"t":\n', '[1,2]\r\n\n']);
    expect(asText(messages)).toEqual(['{"t":21.5}', '{"t":', '[1,2]', '']);
    expect(messages[0].bad).toBeUndefined();
    expect(messages[1].bad).toMatch(/^not JSON: /);
    expect(messages[2].bad).toBeUndefined();
    expect(messages[3].bad).toBe('not JSON: the line is empty');
  });

  it('a delimiter that never comes costs at most the limit: the bytes come out marked bad', () => {
    const framer = new Framer(spec({ mode: 'delimiter', delimiter: '0D0A', maxBytes: 100 }));
    const out: FramedMessage[] = [];
    for (let i = 0; i < 50; i++) {
      out.push(...framer.push(new Uint8Array(37).fill(0x41), i, i));
      expect(framer.pendingBytes).toBeLessThanOrEqual(101);
    }
    expect(out.length).toBe(18);
    expect(out.every((m) => m.bytes.length === 100 && m.bad === 'no delimiter within 100 bytes')).toBe(true);
    expect(framer.pendingBytes).toBe(50 * 37 - 1800);
  });

  it('the stream ending emits the partial message, marked incomplete', () => {
    const { messages } = run({ mode: 'line' }, ['done\npart'], true);
    expect(asText(messages)).toEqual(['done', 'part']);
    expect(messages[1].bad).toBe('incomplete: the stream ended 4 bytes into a message');
  });
});

describe('fixed and length field', () => {
  it('fixed cuts every N bytes whatever the reads', () => {
    const { messages, framer } = run({ mode: 'fixed', length: 4 }, ['abcdef', 'gh', 'ijklmnop', 'q']);
    expect(asText(messages)).toEqual(['abcd', 'efgh', 'ijkl', 'mnop']);
    expect(framer.pendingBytes).toBe(1);
  });

  it('a 2-byte big-endian length after a 1-byte type counts the payload only', () => {
    const frames = concat(Uint8Array.of(7, 0, 3, 1, 2, 3), Uint8Array.of(8, 0, 0), Uint8Array.of(9, 0, 1, 0xff));
    const { messages } = run({ mode: 'length-field', offset: 1, size: 2 }, [frames.subarray(0, 2), frames.subarray(2)]);
    expect(messages.map((m) => hex(m.bytes))).toEqual(['070003010203', '080000', '090001FF']);
  });

  it('little endian, counting the header, with an adjustment', () => {
    // A 4-byte LE length that counts itself plus a 2-byte trailer the length leaves out: adjust +2.
    const frame = Uint8Array.of(6, 0, 0, 0, 0xaa, 0xbb, 0xc1, 0xc2);
    const { messages } = run(
      { mode: 'length-field', offset: 0, size: 4, endian: 'le', includesHeader: true, adjust: 2 },
      [concat(frame, frame)],
    );
    expect(messages.map((m) => hex(m.bytes))).toEqual(['06000000AABBC1C2', '06000000AABBC1C2']);
  });

  it('an impossible length is marked bad, then framing finds the next possible header', () => {
    // Length counts the header; 0 and 1 are shorter than the 1-byte header... 0 is impossible.
    const { messages } = run({ mode: 'length-field', offset: 0, size: 1, includesHeader: true, maxBytes: 16 }, [
      Uint8Array.of(0, 0, 0, 3, 0x41, 0x42, 2, 0x43),
    ]);
    expect(messages.map((m) => [hex(m.bytes), m.bad])).toEqual([
      ['000000', 'impossible length: the length field says 0, which makes a message of 0 bytes (it must be 1–16)'],
      ['034142', undefined],
      ['0243', undefined],
    ]);
  });
});

describe('idle gap', () => {
  it('a quiet line ends a message: at the next read, or when flushIfIdle is asked', () => {
    const framer = new Framer(spec({ mode: 'idle-gap', gapMs: 20 }));
    expect(framer.push(text('ab'), 1, 0)).toEqual([]);
    expect(framer.push(text('c'), 2, 5_000)).toEqual([]);
    const atNextRead = framer.push(text('d'), 3, 40_000);
    expect(asText(atNextRead)).toEqual(['abc']);
    expect(atNextRead[0].monoUs).toBe(0);
    expect(framer.flushIfIdle(50_000)).toEqual([]);
    const flushed = framer.flushIfIdle(60_000);
    expect(asText(flushed)).toEqual(['d']);
    expect(flushed[0].bad).toBeUndefined();
    expect(framer.pendingBytes).toBe(0);
  });
});

describe('Modbus RTU', () => {
  const readRequest = modbus(0x01, 0x03, 0x00, 0x10, 0x00, 0x02);
  const readResponse = modbus(0x01, 0x03, 0x04, 0x00, 0x2a, 0x01, 0x00);
  const writeEcho = modbus(0x11, 0x06, 0x00, 0x01, 0x00, 0x03);
  const exception = modbus(0x01, 0x83, 0x02);
  const writeMultiple = modbus(0x01, 0x10, 0x00, 0x01, 0x00, 0x02, 0x04, 0, 10, 1, 2);

  it('cuts responses by their byte count and exceptions at 5 bytes, CRC checked', () => {
    const stream = concat(readResponse, exception, writeEcho, readResponse);
    const { messages } = run({ mode: 'modbus-rtu' }, [stream]);
    expect(messages.map((m) => hex(m.bytes))).toEqual([readResponse, exception, writeEcho, readResponse].map(hex));
    expect(messages.every((m) => m.bad === undefined)).toBe(true);
  });

  it('cuts requests, including the byte-count form of write-multiple', () => {
    const { messages } = run({ mode: 'modbus-rtu' }, [concat(readRequest, writeMultiple, readRequest)]);
    expect(messages.map((m) => hex(m.bytes))).toEqual([readRequest, writeMultiple, readRequest].map(hex));
  });

  it('a wrong CRC is marked bad and kept; the frames after it come out good', () => {
    const broken = readResponse.slice();
    broken[broken.length - 1] ^= 0xff;
    const { messages } = run({ mode: 'modbus-rtu' }, [concat(readResponse, broken, exception)]);
    expect(messages.map((m) => [hex(m.bytes), m.bad])).toEqual([
      [hex(readResponse), undefined],
      [hex(broken), 'CRC does not match (CRC-16/MODBUS)'],
      [hex(exception), undefined],
    ]);
  });

  it('bytes that cannot start a frame become one bad message up to the next frame', () => {
    const { messages } = run({ mode: 'modbus-rtu' }, [concat(Uint8Array.of(0xff, 0xfe), readResponse)]);
    expect(messages.map((m) => [hex(m.bytes), m.bad])).toEqual([
      ['FFFE', 'not Modbus RTU: address 255 is reserved'],
      [hex(readResponse), undefined],
    ]);
  });
});

describe('Modbus TCP', () => {
  it('cuts by the MBAP length; a non-zero protocol id is not a header', () => {
    const adu = Uint8Array.of(0, 1, 0, 0, 0, 6, 1, 3, 0, 0, 0, 2);
    const { messages } = run({ mode: 'modbus-tcp' }, [concat(adu, Uint8Array.of(9, 9), adu)]);
    expect(messages.map((m) => [hex(m.bytes), m.bad])).toEqual([
      [hex(adu), undefined],
      ['0909', 'not a Modbus TCP header: protocol id 1 (must be 0)'],
      [hex(adu), undefined],
    ]);
  });
});

describe('any way of cutting the same bytes gives the same messages', () => {
  const shapes: FramingSpecInput[] = [
    { mode: 'delimiter', delimiter: '0A', maxBytes: 32 },
    { mode: 'delimiter', delimiter: '0D0A', keep: true, maxBytes: 40 },
    { mode: 'delimiter', delimiter: 'AA BB CC', maxBytes: 24 },
    { mode: 'line', maxBytes: 50 },
    { mode: 'json-lines' },
    { mode: 'fixed', length: 7 },
    { mode: 'length-field', offset: 1, size: 2, maxBytes: 64 },
    { mode: 'length-field', offset: 0, size: 1, includesHeader: true, adjust: -1, maxBytes: 40 },
    { mode: 'modbus-rtu' },
    { mode: 'modbus-tcp' },
  ];
  // Bytes with many delimiters, small lengths and real Modbus frames in among the noise.
  const pieces = fc.oneof(
    fc.uint8Array({ maxLength: 12 }),
    fc.constantFrom(text('\n'), text('\r\n'), Uint8Array.of(0xaa, 0xbb, 0xcc), text('{"a":1}\n')),
    fc.constantFrom(modbus(1, 3, 2, 0, 5), modbus(1, 0x83, 2), modbus(1, 6, 0, 1, 0, 1), modbus(2, 3, 0, 0, 0, 1)),
    fc.constantFrom(Uint8Array.of(0, 0, 0, 0, 0, 3, 1, 3, 7), Uint8Array.of(5, 0, 2, 9, 9)),
  );
  const input = fc.array(pieces, { maxLength: 30 }).map((parts) => concat(...parts));

  for (const shape of shapes) {
    it(`${JSON.stringify(shape)}`, () => {
      const framing = spec(shape);
      fc.assert(
        fc.property(input, fc.array(fc.nat(), { maxLength: 12 }), (bytes, cutsRaw) => {
          const cuts = [...new Set(cutsRaw.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const reads: Uint8Array[] = [];
          let from = 0;
          for (const cut of [...cuts, bytes.length]) {
            reads.push(bytes.subarray(from, cut));
            from = cut;
          }
          const whole = frameAll(framing, [{ bytes, wallUs: 0, monoUs: 0 }], { flush: true });
          const pieces = frameAll(
            framing,
            reads.map((read) => ({ bytes: read, wallUs: 0, monoUs: 0 })),
            { flush: true },
          );
          const shape = (messages: FramedMessage[]) => messages.map((m) => `${hex(m.bytes)}|${m.bad ?? ''}`);
          expect(shape(pieces)).toEqual(shape(whole));
          // Nothing dropped: where no delimiter is stripped, the messages put together are the input.
          const strips =
            framing.mode === 'line' || framing.mode === 'json-lines' || (framing.mode === 'delimiter' && !framing.keep);
          if (!strips) expect(hex(concat(...pieces.map((m) => m.bytes)))).toBe(hex(bytes));
        }),
        { numRuns: 300 },
      );
    });
  }
});
