import { describe, expect, it } from 'vitest';
import { SendPayload, type SendPayloadInput } from '../../shared/contract';
import { buildPayload, buildSend } from '../../shared/codec/payload';
import { formatFieldTime, hexDigitsOnly, nextCounterValue, usesCounter } from '../../shared/codec/send-fields';
import { errorOf, hex, unwrap } from './helpers';

const payload = (input: SendPayloadInput) => SendPayload.parse(input);
const bytes = (input: SendPayloadInput, counter?: number, now?: number) =>
  hex(unwrap(buildPayload(payload(input), { counter, now })));

describe('send-time fields', () => {
  it('leaves a message without placeholders and JSON braces as it was', () => {
    expect(bytes({ data: 'AT' })).toBe('41 54');
    expect(bytes({ data: '{"a":1}' })).toBe(hex(new TextEncoder().encode('{"a":1}')));
    expect(bytes({ data: 'a{{counter}' })).toBe(hex(new TextEncoder().encode('a{counter}')));
  });

  it('puts the counter in 1, 2 or 4 bytes, big or little endian, or as decimal text', () => {
    expect(bytes({ data: '{counter}', fields: { counter: { width: 1 } } }, 5)).toBe('05');
    expect(bytes({ data: '{counter}', fields: { counter: { width: 2, format: 'be' } } }, 0x1234)).toBe('12 34');
    expect(bytes({ data: '{counter}', fields: { counter: { width: 2, format: 'le' } } }, 0x1234)).toBe('34 12');
    expect(bytes({ data: '{counter}', fields: { counter: { width: 4, format: 'le' } } }, 0x01020304)).toBe(
      '04 03 02 01',
    );
    expect(bytes({ data: 'n={counter}', fields: { counter: { format: 'text' } } }, 42)).toBe('6E 3D 34 32');
    expect(bytes({ mode: 'hex', data: 'AA {counter} BB', fields: { counter: { width: 2 } } }, 258)).toBe('AA 01 02 BB');
    // Without a value, the counter's start.
    expect(bytes({ data: '{counter}', fields: { counter: { start: 7 } } })).toBe('07');
  });

  it('counts on and wraps at the width', () => {
    const counter = payload({ data: '', fields: { counter: { start: 254, step: 1 } } }).fields!.counter;
    expect(nextCounterValue(counter, 254)).toBe(255);
    expect(bytes({ data: '{counter}' }, 256)).toBe('00');
    expect(nextCounterValue({ ...counter, step: -1 }, 0)).toBe(0xffffffff);
    expect(usesCounter('x{counter}')).toBe(true);
    expect(usesCounter('x{{counter}')).toBe(false);
    expect(unwrap(buildSend(payload({ data: 'x{counter}' }))).usesCounter).toBe(true);
  });

  it('writes the length of the whole message or of what follows the field', () => {
    expect(bytes({ mode: 'hex', data: '7E {len} 01 02 03' })).toBe('7E 05 01 02 03');
    expect(bytes({ mode: 'hex', data: '7E {len} 01 02 03', fields: { length: { counts: 'after', width: 2 } } })).toBe(
      '7E 00 03 01 02 03',
    );
    expect(
      bytes({
        mode: 'hex',
        data: '{len} 01',
        checksum: 'crc16-modbus',
        fields: { length: { counts: 'after', width: 2, format: 'le' } },
      }).slice(0, 8),
    ).toBe('03 00 01');
    // Decimal text settles on its own width: one digit would make 10 bytes, which takes two digits: 11.
    expect(bytes({ data: 'LEN={len}xxxxx', fields: { length: { format: 'text' } } })).toBe(
      hex(new TextEncoder().encode('LEN=11xxxxx')),
    );
    const tooLong = errorOf(buildPayload(payload({ data: `{len}${'x'.repeat(300)}` })));
    expect(tooLong.message).toBe('{len} is 301, which does not fit in 1 byte (at most 255).');
  });

  it('computes the checksum over the chosen range and places it at {checksum} or the end', () => {
    // sum8 of 02 03 = 05, bytes 1 to the end of 01 02 03.
    expect(bytes({ mode: 'hex', data: '01 02 03', checksum: 'sum8', fields: { checksumRange: { from: 1 } } })).toBe(
      '01 02 03 05',
    );
    expect(
      bytes({ mode: 'hex', data: '01 02 03', checksum: 'sum8', fields: { checksumRange: { from: 0, to: 2 } } }),
    ).toBe('01 02 03 03');
    expect(bytes({ mode: 'hex', data: '01 {checksum} 02 03', checksum: 'xor8', lineEnding: 'crlf' })).toBe(
      '01 00 02 03 0D 0A',
    );
    // Modbus RTU read holding registers, the textbook frame: CRC 0x0A84 sent low byte first.
    expect(bytes({ mode: 'hex', data: '01 03 00 00 00 01', checksum: 'crc16-modbus' })).toBe('01 03 00 00 00 01 84 0A');
    const beyond = errorOf(
      buildPayload(payload({ mode: 'hex', data: '01 02', checksum: 'sum8', fields: { checksumRange: { from: 4 } } })),
    );
    expect(beyond.message).toBe('The checksum range, bytes 4 to the end, goes beyond this 2-byte message.');
  });

  it('writes the time as text', () => {
    const at = new Date(2026, 10, 30, 5, 6, 7, 89).getTime();
    expect(formatFieldTime(at)).toBe('2026-11-30 05:06:07.089');
    expect(new TextDecoder().decode(unwrap(buildPayload(payload({ data: 't={time}' }), { now: at })))).toBe(
      't=2026-11-30 05:06:07.089',
    );
    expect(
      new TextDecoder().decode(unwrap(buildPayload(payload({ data: '{unix}/{unixms}' }), { now: 1700000000123 }))),
    ).toBe('1700000000/1700000000123');
  });

  it('names a bad placeholder and where it is', () => {
    const unknown = errorOf(buildPayload(payload({ data: 'ab{cnt}' })));
    expect(unknown.code).toBe('E_PLACEHOLDER');
    expect(unknown.message).toBe('Unknown placeholder {cnt} at character 3.');
    expect(unknown.position).toBe(2);
    const capture = errorOf(buildPayload(payload({ data: 'x{1}' })));
    expect(capture.message).toContain('{1} at character 2 stands for a regex capture');
    const noKind = errorOf(buildPayload(payload({ data: 'x{checksum}' })));
    expect(noKind.message).toContain('{checksum} at character 2 needs a checksum kind');
    // A bad hex digit after a placeholder is still pointed at in the typed text.
    const badHex = errorOf(buildPayload(payload({ mode: 'hex', data: '{counter} 0G' })));
    expect(badHex.position).toBe(11);
  });

  it('fills in regex captures when a rule passes them', () => {
    const built = buildPayload(payload({ data: 'got {1}/{match}/{2}' }), {
      captures: { '1': 'ab', match: Uint8Array.of(0x41) },
    });
    expect(new TextDecoder().decode(unwrap(built))).toBe('got ab/A/');
  });

  it('refuses field settings outside their bounds in words', () => {
    const refused = SendPayload.safeParse({ data: '', fields: { counter: { width: 3 } } });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0].message).toBe('The width is 1, 2 or 4 bytes.');
    const range = SendPayload.safeParse({ data: '', fields: { checksumRange: { from: 5, to: 2 } } });
    expect(range.error?.issues[0].message).toBe('The checksum range must end after it starts.');
  });
});

describe('hexDigitsOnly', () => {
  it('blanks placeholders out and keeps every position', () => {
    expect(hexDigitsOnly('01 {counter} 0G')).toBe('01           0G');
    expect(hexDigitsOnly('AA {{x')).toBe('AA {{x');
  });
});
