// Modbus RTU frame lengths, from the function code and the byte counts inside the frame (Modbus
// Application Protocol v1.1b3 §6 and the serial line guide). The same function code has one length as a
// request and another as a response, so each candidate says which it is; the framer picks the one whose
// CRC checks out.

/** `either`: the request and its response have the same layout (a write answered by its echo). */
export type ModbusRole = 'request' | 'response' | 'either';

/** Largest RTU frame: address + 253-byte PDU + CRC. */
export const MODBUS_RTU_MAX_FRAME = 256;
/** Largest Modbus TCP frame: 7-byte MBAP header + 253-byte PDU. */
export const MODBUS_TCP_MAX_FRAME = 260;

/** Addresses 248–255 are reserved, so a byte there cannot start a frame. */
export const MODBUS_MAX_ADDRESS = 247;

/**
 * Where the candidate lengths of one frame go. `unknown[i]` marks a candidate whose length depends on a byte
 * count not received yet: its `length` is how many bytes must arrive before it can be told.
 */
export interface ModbusCandidates {
  count: number;
  lengths: Int32Array;
  roles: ModbusRole[];
  unknown: Uint8Array;
}

export function newModbusCandidates(): ModbusCandidates {
  return {
    count: 0,
    lengths: new Int32Array(4),
    roles: ['either', 'either', 'either', 'either'],
    unknown: new Uint8Array(4),
  };
}

/**
 * The candidate lengths of a frame starting at `start` (address and function code are there), shortest first.
 * None: no frame can start here (reserved address, unknown function code, impossible byte count).
 */
export function modbusRtuCandidates(bytes: Uint8Array, start: number, end: number, out: ModbusCandidates): void {
  out.count = 0;
  const add = (length: number, role: ModbusRole, unknown = 0) => {
    let i = out.count++;
    // Insertion keeps them shortest first; there are at most three.
    while (i > 0 && out.lengths[i - 1] > length) {
      out.lengths[i] = out.lengths[i - 1];
      out.roles[i] = out.roles[i - 1];
      out.unknown[i] = out.unknown[i - 1];
      i--;
    }
    out.lengths[i] = length;
    out.roles[i] = role;
    out.unknown[i] = unknown;
  };
  /** A byte count at `at` within the frame: calls `known` with it, or adds an unknown candidate of `role`. */
  const count = (at: number, role: ModbusRole, known: (value: number) => void) => {
    if (start + at < end) known(bytes[start + at]);
    else add(at + 1, role, 1);
  };
  if (bytes[start] > MODBUS_MAX_ADDRESS) return;
  const fc = bytes[start + 1];
  if (fc & 0x80) {
    // Exception response: address, function | 0x80, exception code, CRC.
    if (KNOWN_CODES.has(fc & 0x7f)) add(5, 'response');
    return;
  }
  switch (fc) {
    case 0x01:
    case 0x02:
    case 0x03:
    case 0x04:
      add(8, 'request');
      // Coils and inputs pack 2000 bits into 250 bytes; registers are 125 × 2 = 250 bytes.
      count(2, 'response', (n) => n >= 1 && n <= 250 && add(5 + n, 'response'));
      return;
    case 0x05:
    case 0x06:
    case 0x08:
      // A write answers with an echo of the request; diagnostics (sub-function + one word) likewise.
      add(8, 'either');
      return;
    case 0x07:
      add(4, 'request');
      add(5, 'response');
      return;
    case 0x0b:
      add(4, 'request');
      add(8, 'response');
      return;
    case 0x0c:
    case 0x11:
      add(4, 'request');
      count(2, 'response', (n) => n <= 251 && add(5 + n, 'response'));
      return;
    case 0x0f:
    case 0x10:
      add(8, 'response');
      count(6, 'request', (n) => n >= 1 && n <= 246 && add(9 + n, 'request'));
      return;
    case 0x14:
    case 0x15:
      // File records: a byte count at offset 2 both ways.
      count(2, 'either', (n) => n <= 251 && add(5 + n, 'either'));
      return;
    case 0x16:
      add(10, 'either');
      return;
    case 0x17:
      count(2, 'response', (n) => n >= 1 && n <= 250 && add(5 + n, 'response'));
      count(10, 'request', (n) => n >= 2 && n <= 242 && add(13 + n, 'request'));
      return;
    case 0x18:
      add(6, 'request');
      if (start + 3 < end) {
        const n = (bytes[start + 2] << 8) | bytes[start + 3];
        if (n >= 2 && n <= 250) add(6 + n, 'response');
      } else {
        add(4, 'response', 1);
      }
      return;
    default:
      return;
  }
}

const KNOWN_CODES = new Set([
  0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0b, 0x0c, 0x0f, 0x10, 0x11, 0x14, 0x15, 0x16, 0x17, 0x18, 0x2b,
]);

/** Whether a frame of `length` bytes at `start` ends with its CRC-16/MODBUS, low byte first. */
export function modbusCrcOk(bytes: Uint8Array, start: number, length: number): boolean {
  const table = (crcTable ??= makeTable());
  let crc = 0xffff;
  const last = start + length - 2;
  for (let i = start; i < last; i++) crc = (crc >>> 8) ^ table[(crc ^ bytes[i]) & 0xff];
  return bytes[last] === (crc & 0xff) && bytes[last + 1] === crc >>> 8;
}

let crcTable: Uint16Array | undefined;
function makeTable(): Uint16Array {
  const table = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
    table[n] = c;
  }
  return table;
}
