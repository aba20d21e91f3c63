import { decodeForDisplay } from '../../../shared/codec/display';
import type { Encoding } from '../../../shared/codec/options';
import { FRAMED_PENDING, type FramedLog } from '../framing/framed-log';
import { BAD_NONE } from '../framing/splitters';
import type { SessionLog } from '../state/log';
import type { MessageKey } from '../words';
import type { SavedRow } from './save-formats';

// What the log tools copy and save of a framed message. Kept apart from the page's actions (clipboard,
// download) so that plain-Node tests check the very rows a file gets.

/** The interface's words in its language. */
export type Say = (key: MessageKey, values?: Record<string, string | number>) => string;

/** Decoded text with bytes the encoding rejects written as \xNN, as the log shows them. */
export function decodedText(bytes: Uint8Array, encoding: Encoding): string {
  let text = '';
  for (const segment of decodeForDisplay(bytes, encoding, { final: true }).segments) {
    if ('text' in segment) text += segment.text;
    else for (const byte of segment.invalid) text += `\\x${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return text;
}

/**
 * A message's bytes gathered from every read it came in, as a copy of its own (a copy or a save goes on
 * while the log moves). `partial` when some of its reads have left the log.
 */
export function messageBytes(
  framed: FramedLog,
  log: SessionLog,
  position: number,
): { bytes: Uint8Array; partial: boolean } {
  const bytes = framed.bytes(log, position).slice();
  return { bytes, partial: bytes.byteLength < framed.length(position) };
}

/** A received message as saved: the time of its first byte, its bytes, and why it is pending or bad. */
export function savedMessage(
  framed: FramedLog,
  log: SessionLog,
  position: number,
  encoding: Encoding,
  say: Say,
): SavedRow {
  const serial = framed.serial(position);
  const length = framed.length(position);
  const { bytes, partial } = messageBytes(framed, log, position);
  const row: SavedRow = {
    wallUs: log.wallUs(serial),
    elapsedUs: 0,
    peer: log.peer(serial) ?? '',
    connection: log.connection(serial) ?? '',
    direction: 'rx',
    length,
    bytes,
    text: decodedText(bytes, encoding),
    partial,
  };
  if (framed.kind(position) === FRAMED_PENDING) {
    row.frame = 'pending';
    row.frameReason = say('frame.pendingTitle', { n: length });
    return row;
  }
  const bad = framed.bad(position, log);
  if (bad !== BAD_NONE) {
    const detail = framed.detail(position, log);
    row.frame = 'bad';
    row.frameReason = say(`frame.bad.${bad}.title` as 'frame.bad.1.title') + (detail ? ` (${detail})` : '');
  }
  return row;
}

/** The messages still under way at the end of a framed view, in its order. */
export function pendingMessages(framed: FramedLog, log: SessionLog, encoding: Encoding, say: Say): SavedRow[] {
  const rows: SavedRow[] = [];
  for (let position = framed.end; position < framed.endWithPending; position++)
    rows.push(savedMessage(framed, log, position, encoding, say));
  return rows;
}
