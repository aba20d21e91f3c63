import type { ChecksumKind } from './options';

// Tables are built on first use: a renderer that never sends with a CRC never pays for them.
let modbusTable: Uint16Array | undefined;
let ccittTable: Uint16Array | undefined;
let crc32Table: Uint32Array | undefined;

function reflectedTable16(poly: number): Uint16Array {
  const table = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    table[n] = c;
  }
  return table;
}

function forwardTable16(poly: number): Uint16Array {
  const table = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ poly) & 0xffff : (c << 1) & 0xffff;
    table[n] = c;
  }
  return table;
}

function reflectedTable32(poly: number): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** CRC-16/MODBUS: poly 0x8005 reflected, init 0xFFFF. */
function crc16Modbus(bytes: Uint8Array): number {
  const table = (modbusTable ??= reflectedTable16(0xa001));
  let crc = 0xffff;
  for (let i = 0; i < bytes.length; i++) crc = (crc >>> 8) ^ table[(crc ^ bytes[i]) & 0xff];
  return crc;
}

/** CRC-16/CCITT-FALSE (also called CRC-16/IBM-3740): poly 0x1021, init 0xFFFF, not reflected. */
function crc16CcittFalse(bytes: Uint8Array): number {
  const table = (ccittTable ??= forwardTable16(0x1021));
  let crc = 0xffff;
  for (let i = 0; i < bytes.length; i++) crc = ((crc << 8) & 0xffff) ^ table[((crc >>> 8) ^ bytes[i]) & 0xff];
  return crc;
}

/** CRC-32 as zlib, Ethernet and PNG compute it: poly 0x04C11DB7 reflected, init and final XOR 0xFFFFFFFF. */
function crc32(bytes: Uint8Array): number {
  const table = (crc32Table ??= reflectedTable32(0xedb88320));
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = (crc >>> 8) ^ table[(crc ^ bytes[i]) & 0xff];
  return (crc ^ 0xffffffff) >>> 0;
}

export function checksumValue(kind: ChecksumKind, bytes: Uint8Array): number {
  switch (kind) {
    case 'none':
      return 0;
    case 'sum8': {
      let sum = 0;
      for (let i = 0; i < bytes.length; i++) sum = (sum + bytes[i]) & 0xff;
      return sum;
    }
    case 'xor8': {
      let x = 0;
      for (let i = 0; i < bytes.length; i++) x ^= bytes[i];
      return x;
    }
    case 'crc16-modbus':
      return crc16Modbus(bytes);
    case 'crc16-ccitt-false':
      return crc16CcittFalse(bytes);
    case 'crc32':
      return crc32(bytes);
  }
}

/** The checksum's bytes in the order they go on the wire after the data. */
export function checksumBytes(kind: ChecksumKind, bytes: Uint8Array): Uint8Array {
  const value = checksumValue(kind, bytes);
  switch (kind) {
    case 'none':
      return new Uint8Array(0);
    case 'sum8':
    case 'xor8':
      return Uint8Array.of(value);
    case 'crc16-modbus':
      // Modbus RTU sends its CRC low byte first, unlike every other field in the frame.
      return Uint8Array.of(value & 0xff, value >>> 8);
    case 'crc16-ccitt-false':
      return Uint8Array.of(value >>> 8, value & 0xff);
    case 'crc32':
      // CRC-32 has no single wire order (Ethernet sends it little-endian, PNG and most framing
      // specs write it big-endian); we append big-endian so the bytes read like the printed value.
      return Uint8Array.of(value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
  }
}
