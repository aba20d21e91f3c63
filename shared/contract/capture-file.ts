import type { Encoding } from '../codec/options';
import { fail, ok, type Result } from '../result';
import { encodingCode, encodingFromCode } from './record-encoding';

// The "records" capture file: every record of a session, both directions, nothing left out. A stream
// format (no index, no header to rewrite at the end), so a file is readable whenever it is cut off and
// can be appended to by a later capture.
//
// Layout (little-endian):
//   file header, 16 bytes: the 8 magic bytes "SPCAP\r\n\x1a" · u32 version (1) · u32 header length (16)
//   then records, each:
//     u32 marker 0x52435053 ("SPCR") · u32 record length L (all of the record, marker and trailer included)
//     f64 seq · f64 wallUs · f64 monoUs · u8 dir (0 rx, 1 tx)
//     · u8 a text send's encoding as `encodingCode` numbers it (0 for none; files written before it existed hold 0)
//     u16 connection id length C (0: none, i.e. UDP) · u16 peer length P · u16 0 · u32 payload length N
//     C bytes connection id (UTF-8) · P bytes peer "host:port" (UTF-8) · N payload bytes
//     u32 L again — the trailer lets a reader, or a capture appending to the file, check the last record
//       from the end without walking the whole file.
//   L = 44 + C + P + N + 4. The magic's \r\n and \x1a catch a file mangled by a text-mode transfer.
// Field meanings are those of CaptureRecord (shared/contract/events.ts).

export const CAPTURE_FILE_MAGIC = Uint8Array.of(0x53, 0x50, 0x43, 0x41, 0x50, 0x0d, 0x0a, 0x1a);
export const CAPTURE_FILE_VERSION = 1;
export const CAPTURE_FILE_HEADER_BYTES = 16;
export const CAPTURE_RECORD_MARKER = 0x52435053;
export const CAPTURE_RECORD_HEAD_BYTES = 44;
export const CAPTURE_RECORD_TRAILER_BYTES = 4;
/** Connection ids and peers are short; a longer one is cut to this many bytes. */
export const CAPTURE_MAX_TEXT_BYTES = 0xffff;

export interface CaptureFileRecord {
  seq: number;
  wallUs: number;
  monoUs: number;
  dir: 'rx' | 'tx';
  connectionId: string | null;
  peer: string;
  /** A view into the data given to the reader. */
  bytes: Uint8Array;
  /** tx records of a text send: the encoding the text was encoded in. */
  encoding?: Encoding;
}

export interface CaptureFileContents {
  version: number;
  records: CaptureFileRecord[];
  /** Bytes at the end that are not a whole record: the writer was stopped in the middle of one. */
  trailingBytes: number;
}

/** The 16 bytes a records file starts with. */
export function captureFileHeader(): Uint8Array {
  const out = new Uint8Array(CAPTURE_FILE_HEADER_BYTES);
  out.set(CAPTURE_FILE_MAGIC, 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, CAPTURE_FILE_VERSION, true);
  view.setUint32(12, CAPTURE_FILE_HEADER_BYTES, true);
  return out;
}

export function hasCaptureFileMagic(data: Uint8Array): boolean {
  if (data.byteLength < CAPTURE_FILE_MAGIC.byteLength) return false;
  for (let i = 0; i < CAPTURE_FILE_MAGIC.byteLength; i++) if (data[i] !== CAPTURE_FILE_MAGIC[i]) return false;
  return true;
}

export interface RecordHeadFields {
  seq: number;
  wallUs: number;
  monoUs: number;
  dir: 'rx' | 'tx';
  encoding?: Encoding;
}

/**
 * Writes the marker, lengths and fixed fields at `at`; the caller puts the connection id, peer and
 * payload after them and `writeRecordTrailer` last. Returns the record's total length.
 */
export function writeRecordHead(
  view: DataView,
  at: number,
  fields: RecordHeadFields,
  connectionBytes: number,
  peerBytes: number,
  payloadBytes: number,
): number {
  const length = CAPTURE_RECORD_HEAD_BYTES + connectionBytes + peerBytes + payloadBytes + CAPTURE_RECORD_TRAILER_BYTES;
  view.setUint32(at, CAPTURE_RECORD_MARKER, true);
  view.setUint32(at + 4, length, true);
  view.setFloat64(at + 8, fields.seq, true);
  view.setFloat64(at + 16, fields.wallUs, true);
  view.setFloat64(at + 24, fields.monoUs, true);
  view.setUint8(at + 32, fields.dir === 'rx' ? 0 : 1);
  view.setUint8(at + 33, encodingCode(fields.encoding));
  view.setUint16(at + 34, connectionBytes, true);
  view.setUint16(at + 36, peerBytes, true);
  view.setUint16(at + 38, 0, true);
  view.setUint32(at + 40, payloadBytes, true);
  return length;
}

export function writeRecordTrailer(view: DataView, at: number, length: number): void {
  view.setUint32(at, length, true);
}

export interface RecordHead extends RecordHeadFields {
  length: number;
  connectionBytes: number;
  peerBytes: number;
  payloadBytes: number;
}

/** The fixed part of the record at `at`, or undefined if it is not one (wrong marker, lengths that do not add up). */
export function readRecordHead(view: DataView, at: number): RecordHead | undefined {
  if (at + CAPTURE_RECORD_HEAD_BYTES > view.byteLength) return undefined;
  if (view.getUint32(at, true) !== CAPTURE_RECORD_MARKER) return undefined;
  const dir = view.getUint8(at + 32);
  if (dir > 1) return undefined;
  const head: RecordHead = {
    length: view.getUint32(at + 4, true),
    seq: view.getFloat64(at + 8, true),
    wallUs: view.getFloat64(at + 16, true),
    monoUs: view.getFloat64(at + 24, true),
    dir: dir === 0 ? 'rx' : 'tx',
    encoding: encodingFromCode(view.getUint8(at + 33)),
    connectionBytes: view.getUint16(at + 34, true),
    peerBytes: view.getUint16(at + 36, true),
    payloadBytes: view.getUint32(at + 40, true),
  };
  const expected =
    CAPTURE_RECORD_HEAD_BYTES +
    head.connectionBytes +
    head.peerBytes +
    head.payloadBytes +
    CAPTURE_RECORD_TRAILER_BYTES;
  return head.length === expected ? head : undefined;
}

const utf8 = new TextDecoder();

/**
 * Reads a whole records file held in memory. A file cut off inside its last record reads fine up to
 * that record (`trailingBytes` says how much follows); anything else malformed fails in words,
 * naming the offset.
 */
export function readCaptureFile(data: Uint8Array): Result<CaptureFileContents> {
  if (!hasCaptureFileMagic(data))
    return fail('E_FORMAT', 'This is not a Sockpit records file: it does not start with "SPCAP".');
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.byteLength < CAPTURE_FILE_HEADER_BYTES)
    return fail('E_FORMAT', 'The records file ends inside its 16-byte header.');
  const version = view.getUint32(8, true);
  const headerBytes = view.getUint32(12, true);
  if (version !== CAPTURE_FILE_VERSION) {
    return fail(
      'E_FORMAT',
      `This records file is version ${version}; this Sockpit reads version ${CAPTURE_FILE_VERSION}.`,
      { hint: 'Open it with the Sockpit that wrote it, or a newer one.' },
    );
  }
  if (headerBytes < CAPTURE_FILE_HEADER_BYTES || headerBytes > data.byteLength)
    return fail('E_FORMAT', `The records file header claims ${headerBytes} bytes, which cannot be.`);
  const records: CaptureFileRecord[] = [];
  let at = headerBytes;
  while (at < data.byteLength) {
    if (at + CAPTURE_RECORD_HEAD_BYTES > data.byteLength) break;
    const head = readRecordHead(view, at);
    if (!head) return fail('E_FORMAT', `The records file is damaged at byte ${at}: no record starts there.`);
    if (at + head.length > data.byteLength) break;
    const trailerAt = at + head.length - CAPTURE_RECORD_TRAILER_BYTES;
    if (view.getUint32(trailerAt, true) !== head.length)
      return fail(
        'E_FORMAT',
        `The records file is damaged at byte ${trailerAt}: the record there does not end where it says.`,
      );
    let cursor = at + CAPTURE_RECORD_HEAD_BYTES;
    const connectionId =
      head.connectionBytes === 0 ? null : utf8.decode(data.subarray(cursor, cursor + head.connectionBytes));
    cursor += head.connectionBytes;
    const peer = utf8.decode(data.subarray(cursor, cursor + head.peerBytes));
    cursor += head.peerBytes;
    records.push({
      seq: head.seq,
      wallUs: head.wallUs,
      monoUs: head.monoUs,
      dir: head.dir,
      connectionId,
      peer,
      bytes: data.subarray(cursor, cursor + head.payloadBytes),
      ...(head.encoding ? { encoding: head.encoding } : {}),
    });
    at += head.length;
  }
  return ok({ version, records, trailingBytes: data.byteLength - at });
}
