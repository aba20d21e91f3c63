import { ENCODINGS, type Encoding } from '../../../shared/codec/options';
import { decodeText } from '../../../shared/codec/text';

/** Every encoding we offer except UTF-16 reads bytes 0x00–0x7F as the same ASCII characters. */
const ASCII_COMPATIBLE: ReadonlySet<Encoding> = new Set(
  ENCODINGS.filter((encoding) => encoding !== 'utf-16le' && encoding !== 'utf-16be'),
);
/** Longer messages go to the codec: building a string from a long argument list costs more than it saves. */
const FAST_MAX = 1024;

/**
 * A message's text for the charts' patterns. Most sensor lines are plain ASCII, where every encoding but UTF-16
 * gives the same characters, byte for byte; those skip the codec's decoder, which costs about ten times more per
 * short message. Anything else is decoded exactly as the log shows it.
 */
export function messageText(bytes: Uint8Array, encoding: Encoding): string {
  if (bytes.length <= FAST_MAX && ASCII_COMPATIBLE.has(encoding)) {
    let ascii = true;
    for (let i = 0; i < bytes.length; i++)
      if (bytes[i]! >= 0x80) {
        ascii = false;
        break;
      }
    if (ascii) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  }
  return decodeText(bytes, encoding);
}
