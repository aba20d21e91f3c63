import { describe, expect, it } from 'vitest';
import type { SendPayload } from '../../shared/contract/commands';
import { buildPayload } from '../../shared/codec/payload';
import { errorOf, hex, unwrap } from './helpers';

function payload(overrides: Partial<SendPayload>): SendPayload {
  return {
    mode: 'text',
    data: '',
    encoding: 'utf-8',
    escapes: false,
    lineEnding: 'none',
    checksum: 'none',
    ...overrides,
  };
}

describe('buildPayload', () => {
  it('text with CRLF', () => {
    expect(hex(unwrap(buildPayload(payload({ data: 'AT', lineEnding: 'crlf' }))))).toBe('41 54 0D 0A');
  });

  it('each line ending', () => {
    expect(hex(unwrap(buildPayload(payload({ data: 'A', lineEnding: 'cr' }))))).toBe('41 0D');
    expect(hex(unwrap(buildPayload(payload({ data: 'A', lineEnding: 'lf' }))))).toBe('41 0A');
    expect(hex(unwrap(buildPayload(payload({ data: 'A', lineEnding: 'none' }))))).toBe('41');
  });

  it('text in GBK', () => {
    expect(hex(unwrap(buildPayload(payload({ data: '你好', encoding: 'gbk', lineEnding: 'lf' }))))).toBe(
      'C4 E3 BA C3 0A',
    );
  });

  it('hex with a Modbus CRC, low byte first', () => {
    expect(
      hex(unwrap(buildPayload(payload({ mode: 'hex', data: '01 03 00 00 00 0A', checksum: 'crc16-modbus' })))),
    ).toBe('01 03 00 00 00 0A C5 CD');
  });

  it('text with escapes and sum8', () => {
    // 0x41 + 0x42 + 0x01 = 0x84
    expect(hex(unwrap(buildPayload(payload({ data: 'AB\\x01', escapes: true, checksum: 'sum8' }))))).toBe(
      '41 42 01 84',
    );
  });

  it('puts data, then the checksum over the data only, then the line ending', () => {
    // CRC-16/CCITT-FALSE of "123456789" is 0x29B1, high byte first.
    expect(
      hex(unwrap(buildPayload(payload({ data: '123456789', checksum: 'crc16-ccitt-false', lineEnding: 'crlf' })))),
    ).toBe('31 32 33 34 35 36 37 38 39 29 B1 0D 0A');
    expect(
      hex(unwrap(buildPayload(payload({ mode: 'hex', data: '31 32 33', checksum: 'xor8', lineEnding: 'lf' })))),
    ).toBe('31 32 33 30 0A');
  });

  it('hex mode ignores encoding and escapes', () => {
    expect(
      hex(
        unwrap(
          buildPayload(
            payload({ mode: 'hex', data: '41 5C', encoding: 'utf-16le', escapes: true, lineEnding: 'crlf' }),
          ),
        ),
      ),
    ).toBe('41 5C 0D 0A');
  });

  it('in UTF-16 text mode the line ending is encoded like the text', () => {
    expect(hex(unwrap(buildPayload(payload({ data: 'A', encoding: 'utf-16le', lineEnding: 'crlf' }))))).toBe(
      '41 00 0D 00 0A 00',
    );
  });

  it('without escapes, backslashes are sent as typed', () => {
    expect(hex(unwrap(buildPayload(payload({ data: 'a\\n' }))))).toBe('61 5C 6E');
  });

  it('passes a malformed-hex error through unchanged', () => {
    expect(errorOf(buildPayload(payload({ mode: 'hex', data: '01 0G', checksum: 'crc16-modbus' })))).toMatchObject({
      code: 'E_HEX',
      message: 'Invalid hex character "G" at position 4 (line 1, column 5).',
      position: 4,
      hint: 'Hex uses 0–9 and A–F; separate bytes with spaces.',
    });
  });

  it('passes escape and encoding errors through', () => {
    expect(errorOf(buildPayload(payload({ data: 'x\\q', escapes: true }))).code).toBe('E_ESCAPE');
    const error = errorOf(buildPayload(payload({ data: 'ok 한', encoding: 'gbk' })));
    expect(error.code).toBe('E_ENCODING');
    expect(error.position).toBe(3);
  });

  it('an empty message with a checksum is just the checksum of nothing', () => {
    expect(hex(unwrap(buildPayload(payload({ mode: 'hex', data: '', checksum: 'crc16-modbus' }))))).toBe('FF FF');
  });
});
