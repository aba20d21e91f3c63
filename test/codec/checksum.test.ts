import { describe, expect, it } from 'vitest';
import { checksumBytes, checksumValue } from '../../shared/codec/checksum';
import { ascii, bytesOf, hex } from './helpers';

const CHECK_INPUT = ascii('123456789');

describe('checksums against their published check values for "123456789"', () => {
  it.each([
    ['sum8', 0xdd],
    ['xor8', 0x31],
    ['crc16-modbus', 0x4b37],
    ['crc16-ccitt-false', 0x29b1],
    ['crc32', 0xcbf43926],
    ['none', 0],
  ] as const)('%s = 0x%s', (kind, expected) => {
    expect(checksumValue(kind, CHECK_INPUT)).toBe(expected);
  });
});

describe('appended bytes in wire order', () => {
  it.each([
    ['sum8', 'DD'],
    ['xor8', '31'],
    ['crc16-modbus', '37 4B'], // low byte first, as Modbus RTU sends it
    ['crc16-ccitt-false', '29 B1'], // high byte first
    ['crc32', 'CB F4 39 26'], // big-endian
    ['none', ''],
  ] as const)('%s → %s', (kind, expected) => {
    expect(hex(checksumBytes(kind, CHECK_INPUT))).toBe(expected);
  });

  it('matches real Modbus RTU frames', () => {
    expect(hex(checksumBytes('crc16-modbus', bytesOf('01 03 00 00 00 0A')))).toBe('C5 CD');
    expect(hex(checksumBytes('crc16-modbus', bytesOf('01 03 00 00 00 01')))).toBe('84 0A');
    expect(hex(checksumBytes('crc16-modbus', bytesOf('11 06 00 01 00 03')))).toBe('9A 9B');
  });
});

describe('edge cases', () => {
  it('empty input gives each algorithm its initial state', () => {
    const empty = new Uint8Array(0);
    expect(checksumValue('sum8', empty)).toBe(0);
    expect(checksumValue('xor8', empty)).toBe(0);
    expect(checksumValue('crc16-modbus', empty)).toBe(0xffff);
    expect(checksumValue('crc16-ccitt-false', empty)).toBe(0xffff);
    expect(checksumValue('crc32', empty)).toBe(0);
  });

  it('sum8 wraps modulo 256', () => {
    expect(checksumValue('sum8', Uint8Array.of(0xff, 0x02))).toBe(0x01);
    expect(checksumValue('sum8', new Uint8Array(1000).fill(0xff))).toBe((1000 * 0xff) % 256);
  });

  it('crc32 is unsigned and agrees with a known zlib value', () => {
    expect(checksumValue('crc32', ascii('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
    expect(checksumValue('crc32', Uint8Array.of(0xff, 0xff, 0xff, 0xff))).toBe(0xffffffff);
  });

  it('works on a subarray view, not the whole underlying buffer', () => {
    const buffer = ascii('xx123456789yy');
    expect(checksumValue('crc16-modbus', buffer.subarray(2, 11))).toBe(0x4b37);
  });
});
