// The codec's public face: text in any of our encodings, hex, escapes, checksums, and the bytes of a send.
export * from './options';
export { ENCODING_LABELS, encodeText, decodeText, createTextDecoder, type TextDecoderState } from './text';
export { parseHex, formatHex, hexDump, type FormatHexOptions, type HexDumpOptions } from './hex';
export { textToBytes, bytesToEscapedText } from './escapes';
export { checksumValue, checksumBytes } from './checksum';
export { buildPayload, buildSend } from './payload';
export {
  expandSend,
  usesCounter,
  nextCounterValue,
  formatFieldTime,
  FIELD_NAMES,
  type BuiltSend,
  type FieldValues,
} from './send-fields';
export { decodeForDisplay, type DisplaySegment, type DisplayDecode, type DisplayDecodeOptions } from './display';
