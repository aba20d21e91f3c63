import type { CaptureRecord } from '../../../shared/contract';
import { decodeForDisplay, type DisplaySegment } from '../../../shared/codec/display';
import { formatHex, hexDump } from '../../../shared/codec/hex';
import type { Encoding } from '../../../shared/codec/options';
import type { LogRow } from '../state/log';
import type { ViewMode } from '../state/store';

/** What one row's content is made of: plain text, bytes the encoding rejects, and invisible controls made visible. */
export type Piece = { kind: 'text'; text: string } | { kind: 'bad'; text: string } | { kind: 'ctl'; text: string };

export interface RowContent {
  pieces: Piece[];
  /** Bytes not formatted because the row is long; said on screen, never hidden. */
  omittedBytes: number;
}

/** Longest part of one record a row formats; a 64 MiB chunk would freeze any view. */
const TEXT_LIMIT = 64 * 1024;
const HEX_LIMIT = 16 * 1024;
/** How far to look for the neighbouring chunk of the same TCP stream. */
const NEIGHBOUR_SEARCH = 256;

const CONTROL_NAMES: Record<number, string> = { 0x00: '\\0', 0x07: '\\a', 0x08: '\\b', 0x0b: '\\v', 0x0c: '\\f', 0x0d: '\\r', 0x1b: '\\e', 0x7f: '\\x7F' };

function hex2(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}

/** Newlines and tabs lay the text out; every other control character is shown, not swallowed. */
function textPieces(text: string, out: Piece[]): void {
  let plain = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const isControl = (code < 0x20 && code !== 0x0a && code !== 0x09) || code === 0x7f || (code >= 0x80 && code < 0xa0);
    if (!isControl) {
      plain += char;
      continue;
    }
    if (plain) out.push({ kind: 'text', text: plain });
    plain = '';
    out.push({ kind: 'ctl', text: CONTROL_NAMES[code] ?? `\\x${hex2(code)}` });
  }
  if (plain) out.push({ kind: 'text', text: plain });
}

function segmentsToPieces(segments: DisplaySegment[]): Piece[] {
  const pieces: Piece[] = [];
  for (const segment of segments) {
    if ('text' in segment) textPieces(segment.text, pieces);
    else pieces.push({ kind: 'bad', text: Array.from(segment.invalid, (b) => `\\x${hex2(b)}`).join('') });
  }
  return pieces;
}

function streamOf(record: CaptureRecord): string | undefined {
  // A UDP datagram stands alone; a TCP direction is one byte stream cut into reads anywhere.
  return record.connectionId === null ? undefined : `${record.connectionId}/${record.dir}`;
}

function neighbour(rows: readonly LogRow[], index: number, step: -1 | 1, stream: string): CaptureRecord | undefined {
  for (let i = index + step, n = 0; i >= 0 && i < rows.length && n < NEIGHBOUR_SEARCH; i += step, n++) {
    const row = rows[i];
    if (row.kind === 'record' && streamOf(row.record) === stream) return row.record;
  }
  return undefined;
}

const cache = new WeakMap<CaptureRecord, Map<string, RowContent>>();

function remember(record: CaptureRecord, key: string, make: () => RowContent): RowContent {
  let perRecord = cache.get(record);
  if (!perRecord) cache.set(record, (perRecord = new Map()));
  let content = perRecord.get(key);
  if (!content) perRecord.set(key, (content = make()));
  return content;
}

/**
 * The content of the record at `rows[index]` in the chosen view. Text is decoded from the captured
 * bytes every time the encoding changes — the bytes are the truth, the text only a reading of them.
 * A character cut between two TCP reads is shown whole, in the row whose read completed it.
 */
export function rowContent(rows: readonly LogRow[], index: number, mode: ViewMode, encoding: Encoding): RowContent {
  const row = rows[index];
  if (row.kind !== 'record') return { pieces: [], omittedBytes: 0 };
  const { record } = row;
  if (mode !== 'text') {
    return remember(record, mode, () => {
      const shown = record.bytes.subarray(0, HEX_LIMIT);
      const text = mode === 'hex' ? formatHex(shown) : hexDump(shown);
      return { pieces: [{ kind: 'text', text }], omittedBytes: record.bytes.length - shown.length };
    });
  }
  const stream = streamOf(record);
  const previous = stream ? neighbour(rows, index, -1, stream) : undefined;
  const hasNext = stream ? neighbour(rows, index, 1, stream) !== undefined : false;
  const carryIn = previous ? decodeForDisplay(previous.bytes.subarray(0, TEXT_LIMIT), encoding).carry : undefined;
  const key = `text|${encoding}|${carryIn?.length ?? 0}|${hasNext}`;
  return remember(record, key, () => {
    const shown = record.bytes.subarray(0, TEXT_LIMIT);
    const omitted = record.bytes.length - shown.length;
    const decoded = decodeForDisplay(shown, encoding, { carryIn, final: !hasNext && omitted === 0 });
    return { pieces: segmentsToPieces(decoded.segments), omittedBytes: omitted };
  });
}

/** 12:34:56.789 in local time: a person compares it with the device's own clock. */
export function formatTime(wallMs: number): string {
  const date = new Date(wallMs);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

export function formatBytes(count: number): string {
  if (count < 1024) return `${count} B`;
  if (count < 1024 * 1024) return `${(count / 1024).toFixed(1)} KiB`;
  if (count < 1024 * 1024 * 1024) return `${(count / (1024 * 1024)).toFixed(1)} MiB`;
  return `${(count / (1024 * 1024 * 1024)).toFixed(2)} GiB`;
}
