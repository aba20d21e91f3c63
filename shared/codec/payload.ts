import type { SendPayload } from '../contract/commands';
import { ok, type Result } from '../result';
import { checksumBytes } from './checksum';
import { textToBytes } from './escapes';
import { parseHex } from './hex';
import type { Encoding, LineEnding } from './options';
import { encodeText } from './text';

const LINE_ENDING_TEXT: Record<LineEnding, string> = { none: '', cr: '\r', lf: '\n', crlf: '\r\n' };
const LINE_ENDING_BYTES: Record<LineEnding, Uint8Array> = {
  none: new Uint8Array(0),
  cr: Uint8Array.of(0x0d),
  lf: Uint8Array.of(0x0a),
  crlf: Uint8Array.of(0x0d, 0x0a),
};

/**
 * In text mode the line ending is a character of the chosen encoding (CR LF in UTF-16LE is
 * 0D 00 0A 00, as a UTF-16 peer expects); in hex mode there is no encoding, so it is the ASCII bytes.
 */
function lineEndingBytes(lineEnding: LineEnding, mode: SendPayload['mode'], encoding: Encoding): Uint8Array {
  if (mode === 'hex' || lineEnding === 'none') return LINE_ENDING_BYTES[lineEnding];
  const encoded = encodeText(LINE_ENDING_TEXT[lineEnding], encoding);
  return encoded.ok ? encoded.value : LINE_ENDING_BYTES[lineEnding];
}

/** The exact bytes a send puts on the wire. */
export function buildPayload(payload: SendPayload): Result<Uint8Array> {
  const data =
    payload.mode === 'hex' ? parseHex(payload.data) : textToBytes(payload.data, payload.encoding, payload.escapes);
  if (!data.ok) return data;
  // Data, then checksum over the data only, then line ending: the layout of text protocols like "$DATA*CS\r\n".
  const checksum = checksumBytes(payload.checksum, data.value);
  const ending = lineEndingBytes(payload.lineEnding, payload.mode, payload.encoding);
  if (checksum.length === 0 && ending.length === 0) return ok(data.value);
  const out = new Uint8Array(data.value.length + checksum.length + ending.length);
  out.set(data.value, 0);
  out.set(checksum, data.value.length);
  out.set(ending, data.value.length + checksum.length);
  return ok(out);
}
