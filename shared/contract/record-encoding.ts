import { ENCODINGS, type Encoding } from '../codec/options';
import type { SendPayload } from './commands';

// A tx record from a text send remembers the encoding its text was encoded in, so a view shows our own
// GBK reply as the text that was typed, whatever encoding the view decodes received bytes with. Packed
// records (batches, capture files, the capture store's columns) carry it as one small number.

/**
 * 0 for none (received bytes, hex sends, echoes); otherwise 1 + the encoding's place in ENCODINGS. Capture
 * files store this number, so ENCODINGS only ever grows at its end.
 */
export function encodingCode(encoding: Encoding | undefined): number {
  return encoding === undefined ? 0 : ENCODINGS.indexOf(encoding) + 1;
}

/** The encoding a stored code stands for; undefined for 0 and for a code this build does not know. */
export function encodingFromCode(code: number): Encoding | undefined {
  return code > 0 ? ENCODINGS[code - 1] : undefined;
}

/** Codes a packed record may hold: 0 up to the number of encodings. */
export const MAX_ENCODING_CODE = ENCODINGS.length;

/** What a sender tells a session about the bytes it writes, beyond the bytes. */
export interface SendOptions {
  /** The bytes are text encoded in this; tx records keep it for showing them. */
  encoding?: Encoding;
}

/** The send options of a payload: a text send carries its encoding, a hex send none. */
export function sendOptionsFor(payload: Pick<SendPayload, 'mode' | 'encoding'>): SendOptions {
  return payload.mode === 'text' ? { encoding: payload.encoding } : {};
}
