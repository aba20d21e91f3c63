import type { SendPayload } from '../contract/send-payload';
import { ok, type Result } from '../result';
import type { Encoding, LineEnding } from './options';
import { expandSend, type BuiltSend, type FieldValues } from './send-fields';
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

/**
 * The exact bytes a send puts on the wire: the message with its send-time fields filled in (see
 * send-fields.ts; `values` gives this send's counter value and time), the checksum, then the line ending.
 */
export function buildPayload(payload: SendPayload, values?: FieldValues): Result<Uint8Array> {
  const built = buildSend(payload, values);
  return built.ok ? ok(built.value.bytes) : built;
}

/** As `buildPayload`, and whether the message used {counter}, so its owner knows to advance it. */
export function buildSend(payload: SendPayload, values?: FieldValues): Result<BuiltSend> {
  // Data, then checksum over the data only, then line ending: the layout of text protocols like "$DATA*CS\r\n".
  // {checksum} moves the checksum into the message; fields.checksumRange narrows what it covers.
  return expandSend(payload, lineEndingBytes(payload.lineEnding, payload.mode, payload.encoding), values);
}
