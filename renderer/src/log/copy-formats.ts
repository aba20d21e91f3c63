import { formatHex } from '../../../shared/codec/hex';

// The ways a row's bytes go to the clipboard. Each is what a person pastes into a protocol document (hex),
// a C file or a Python script, and must compile or evaluate to exactly the captured bytes.

export type CopyFormat = 'text' | 'hex' | 'c' | 'python';

/** "48 65 6C 6C 6F". */
export function bytesAsHex(bytes: Uint8Array): string {
  return formatHex(bytes);
}

/** "{0x48, 0x65}": an initializer for `unsigned char data[] = …;`. */
export function bytesAsCArray(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (const byte of bytes) parts.push(`0x${byte.toString(16).toUpperCase().padStart(2, '0')}`);
  return `{${parts.join(', ')}}`;
}

const PYTHON_ESCAPES: Record<number, string> = {
  0x09: '\\t',
  0x0a: '\\n',
  0x0d: '\\r',
  0x27: "\\'",
  0x5c: '\\\\',
};

/** "b'Hi\\r\\n\\x00'": printable ASCII as itself, the usual escapes, \xNN for the rest; Python evaluates it to the bytes. */
export function bytesAsPython(bytes: Uint8Array): string {
  let out = "b'";
  for (const byte of bytes) {
    const escape = PYTHON_ESCAPES[byte];
    if (escape) out += escape;
    else if (byte >= 0x20 && byte <= 0x7e) out += String.fromCharCode(byte);
    else out += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return `${out}'`;
}

/**
 * The clipboard text for several rows. Hex and text put one row per line, as the log shows them; a C array
 * and a Python literal hold the rows' bytes one after another, as one message a person re-sends or tests
 * with.
 */
export function copyText(format: CopyFormat, rows: ReadonlyArray<{ bytes: Uint8Array; text: string }>): string {
  switch (format) {
    case 'text':
      return rows.map((row) => row.text).join('\n');
    case 'hex':
      return rows.map((row) => bytesAsHex(row.bytes)).join('\n');
    case 'c':
      return bytesAsCArray(concatBytes(rows.map((row) => row.bytes)));
    case 'python':
      return bytesAsPython(concatBytes(rows.map((row) => row.bytes)));
  }
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  let total = 0;
  for (const part of parts) total += part.byteLength;
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}
