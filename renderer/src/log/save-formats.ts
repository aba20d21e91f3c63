import { formatHex } from '../../../shared/codec/hex';
import { isoTime, secondsText, type TimeMode } from './time-text';

// One saved row in each file format. Every format carries the same fields: the time (ISO 8601, and the
// relative or delta time when the view shows one), the direction, the peer, the length, the bytes in hex and
// the decoded text, so a file can be read back by a script as well as by a person.

export type SaveFormat = 'text' | 'csv' | 'jsonl';
export const SAVE_FORMATS: readonly SaveFormat[] = ['text', 'csv', 'jsonl'];

export const SAVE_EXTENSIONS: Record<SaveFormat, string> = { text: 'txt', csv: 'csv', jsonl: 'jsonl' };
export const SAVE_MIME: Record<SaveFormat, string> = {
  text: 'text/plain;charset=utf-8',
  csv: 'text/csv;charset=utf-8',
  jsonl: 'application/x-ndjson;charset=utf-8',
};

export interface SavedRow {
  wallUs: number;
  /** Microseconds since the log's first row (relative) or the row before (delta); unused when absolute. */
  elapsedUs: number;
  /** rx and tx are records; event is a connection event or another note; gap stands for records not here. */
  direction: 'rx' | 'tx' | 'event' | 'gap';
  peer: string;
  connection: string;
  /** The record's length on the wire; 0 for events. */
  length: number;
  /** The bytes saved: all of the record, or its start when only that is still held (`partial`). */
  bytes: Uint8Array;
  /** The decoded text (bytes the encoding rejects as \xNN), or the event's words. */
  text: string;
  partial: boolean;
  /** A framed message still under way, or one the framing marks bad; absent for a whole, good one and per read. */
  frame?: 'pending' | 'bad';
  /** Why, in the interface's words. */
  frameReason?: string;
}

/** RFC 4180: a field with a comma, a quote or a line break goes in quotes, its quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function elapsedColumn(mode: TimeMode): string | undefined {
  return mode === 'relative' ? 'relative_s' : mode === 'delta' ? 'delta_s' : undefined;
}

/**
 * The first line of a CSV file; lines end in CRLF, as RFC 4180 has them. A framed log (one line per message)
 * adds `frame` (pending, bad or empty) and `frame_reason`.
 */
export function csvHeader(mode: TimeMode, framed = false): string {
  const elapsed = elapsedColumn(mode);
  const columns = ['time', ...(elapsed ? [elapsed] : []), 'direction', 'peer', 'connection', 'length', 'hex', 'text'];
  columns.push('partial', ...(framed ? ['frame', 'frame_reason'] : []));
  return columns.join(',') + '\r\n';
}

export function csvLine(row: SavedRow, mode: TimeMode, framed = false): string {
  const fields = [
    isoTime(row.wallUs),
    ...(mode === 'absolute' ? [] : [secondsText(row.elapsedUs)]),
    row.direction,
    row.peer,
    row.connection,
    String(row.length),
    formatHex(row.bytes),
    row.text,
    row.partial ? 'yes' : '',
    ...(framed ? [row.frame ?? '', row.frameReason ?? ''] : []),
  ];
  return fields.map(csvField).join(',') + '\r\n';
}

export function jsonLine(row: SavedRow, mode: TimeMode): string {
  const elapsed = elapsedColumn(mode);
  const object: Record<string, unknown> = { time: isoTime(row.wallUs) };
  if (elapsed) object[elapsed] = Number(secondsText(row.elapsedUs));
  object.direction = row.direction;
  if (row.peer) object.peer = row.peer;
  if (row.connection) object.connection = row.connection;
  if (row.direction === 'rx' || row.direction === 'tx') {
    object.length = row.length;
    object.hex = formatHex(row.bytes);
  }
  object.text = row.text;
  if (row.partial) object.partial = true;
  if (row.frame) {
    object.frame = row.frame;
    object.frame_reason = row.frameReason;
  }
  return JSON.stringify(object) + '\n';
}

const LINE_ESCAPES: Record<string, string> = { '\r': '\\r', '\n': '\\n', '\t': '\\t', '\\': '\\\\' };

/** Line breaks and other controls written as escapes, so one row is one line of the file. */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\\]/g, (char) =>
    char in LINE_ESCAPES ? LINE_ESCAPES[char] : `\\x${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

/** "2026-11-30T05:13:34.123456Z  +0.001234 s  RX  127.0.0.1:5001  5 B  48 65 6C 6C 6F  Hello". */
export function textLine(row: SavedRow, mode: TimeMode, elapsedText: string): string {
  const parts = [isoTime(row.wallUs)];
  if (mode !== 'absolute') parts.push(elapsedText);
  parts.push(row.direction.toUpperCase(), row.peer || '-');
  if (row.direction === 'rx' || row.direction === 'tx') {
    parts.push(`${row.length} B`, formatHex(row.bytes) + (row.partial ? ' …' : ''));
  }
  parts.push(oneLine(row.text));
  if (row.frame) parts.push(`[${row.frame}: ${oneLine(row.frameReason ?? '')}]`);
  return parts.join('  ') + '\n';
}
