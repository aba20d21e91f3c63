// The closed lists a user picks from. The contract's schemas and the codec both read them from here.

/** Names as iconv-lite and WHATWG TextDecoder both understand them. */
export const ENCODINGS = [
  'utf-8',
  'gbk',
  'gb18030',
  'big5',
  'shift_jis',
  'euc-jp',
  'euc-kr',
  'utf-16le',
  'utf-16be',
  'iso-8859-1',
  'windows-1252',
  'ascii',
] as const;
export type Encoding = (typeof ENCODINGS)[number];

export const LINE_ENDINGS = ['none', 'cr', 'lf', 'crlf'] as const;
export type LineEnding = (typeof LINE_ENDINGS)[number];

export const CHECKSUMS = ['none', 'sum8', 'xor8', 'crc16-modbus', 'crc16-ccitt-false', 'crc32'] as const;
export type ChecksumKind = (typeof CHECKSUMS)[number];

export const SEND_MODES = ['text', 'hex'] as const;
export type SendMode = (typeof SEND_MODES)[number];

/** A person may type "GBK", "utf8" or "latin1"; map the usual spellings to one of ours. */
const ENCODING_ALIASES: Record<string, Encoding> = {
  utf8: 'utf-8',
  'utf-8': 'utf-8',
  gbk: 'gbk',
  cp936: 'gbk',
  gb2312: 'gbk',
  gb18030: 'gb18030',
  big5: 'big5',
  shift_jis: 'shift_jis',
  'shift-jis': 'shift_jis',
  sjis: 'shift_jis',
  'euc-jp': 'euc-jp',
  eucjp: 'euc-jp',
  'euc-kr': 'euc-kr',
  euckr: 'euc-kr',
  'utf-16le': 'utf-16le',
  utf16le: 'utf-16le',
  'utf-16be': 'utf-16be',
  utf16be: 'utf-16be',
  'iso-8859-1': 'iso-8859-1',
  latin1: 'iso-8859-1',
  'windows-1252': 'windows-1252',
  cp1252: 'windows-1252',
  ascii: 'ascii',
  'us-ascii': 'ascii',
};

export function normalizeEncoding(name: string): Encoding | undefined {
  return ENCODING_ALIASES[name.trim().toLowerCase()];
}
