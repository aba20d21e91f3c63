// What the CLI prints: one event a line, readable or NDJSON. The NDJSON field names are what scripts
// are written against, so they change only with care.
import { decodeText } from '../shared/codec';
import type { Encoding } from '../shared/codec/options';
import type { CaptureRecord, EngineEvent, RxMessage } from '../shared/contract';
import type { SockpitError } from '../shared/result';

export type CliEventName =
  | 'listening'
  | 'connected'
  | 'accepted'
  | 'data'
  | 'sent'
  | 'closed'
  | 'refused'
  | 'error'
  /** --send-file: its progress (state "sending", --json only) and its end (done, cancelled, failed). */
  | 'file';

/** One line of output. Field names are the NDJSON format people script against: keep them stable. */
export interface CliEvent {
  event: CliEventName;
  /** ISO 8601 in UTC with microseconds. */
  time: string;
  dir?: 'rx' | 'tx';
  conn?: string;
  peer?: string;
  local?: string;
  bytes?: number;
  hex?: string;
  text?: string;
  reason?: string;
  /** With --frame: why a received message is not a good one (wrong CRC, impossible length, cut off). */
  bad?: string;
  limit?: string;
  code?: string;
  message?: string;
  hint?: string;
  position?: number;
  /** file: its name, size, bytes that went, bytes per second, and state (sending, done, cancelled, failed). */
  file?: string;
  total?: number;
  sent?: number;
  rate?: number;
  state?: string;
}

export function isoMicros(wallUs: number): string {
  const micros = ((wallUs % 1_000_000) + 1_000_000) % 1_000_000;
  const iso = new Date(Math.floor(wallUs / 1000)).toISOString();
  return `${iso.slice(0, 19)}.${String(micros).padStart(6, '0')}Z`;
}

/** Now, with the microseconds the engine's records carry, so both kinds of line read alike. */
export function nowIso(): string {
  return isoMicros(Math.round((performance.timeOrigin + performance.now()) * 1000));
}

function localClock(time: string): string {
  const date = new Date(time);
  const micros = /\.(\d{6})Z$/.exec(time)?.[1] ?? String(date.getMilliseconds()).padStart(3, '0') + '000';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${micros}`;
}

/** Keep one record on one line: control characters become visible escapes. */
export function visibleText(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (char) => {
    switch (char) {
      case '\r':
        return '\\r';
      case '\n':
        return '\\n';
      case '\t':
        return '\\t';
      default:
        return `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
    }
  });
}

function spacedHex(hex: string): string {
  return (hex.match(/../g) ?? []).join(' ');
}

/** Pure: one event, one line (no trailing newline). */
export function formatEvent(event: CliEvent, style: { json: boolean; hex?: boolean }): string {
  if (style.json) return JSON.stringify(event);
  const stamp = `[${localClock(event.time)}]`;
  switch (event.event) {
    case 'listening':
      return `${stamp} Listening on ${event.local}`;
    case 'connected':
      return `${stamp} Connected to ${event.peer}${event.local ? ` from ${event.local}` : ''}`;
    case 'accepted':
      return `${stamp} Accepted ${event.peer}${event.conn ? ` (${event.conn})` : ''}`;
    case 'data':
    case 'sent': {
      const body = style.hex ? spacedHex(event.hex ?? '') : visibleText(event.text ?? '');
      const bad = event.bad !== undefined ? ` [bad: ${event.bad}]` : '';
      return `${stamp} ${event.dir === 'tx' ? 'TX' : 'RX'} ${event.peer} (${event.bytes} B)${bad} ${body}`.trimEnd();
    }
    case 'closed':
      return `${stamp} Closed ${event.peer}${event.reason ? ` (${event.reason})` : ''}${event.message ? `: ${event.message}` : ''}`;
    case 'refused':
      return `${stamp} Refused ${event.peer}${event.limit ? ` (over ${event.limit})` : ''}`;
    case 'error':
      return `${stamp} Error: ${event.message}${event.hint ? `\n  Hint: ${event.hint}` : ''}`;
    case 'file':
      return `${stamp} ${fileProgressText(event)}${event.message ? `: ${event.message}` : ''}`;
  }
}

function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  return `${(bytes / (1024 * 1024 * 1024)).toFixed(2)} GiB`;
}

/** "File firmware.bin done: 24.0 MiB of 24.0 MiB (100%), 512.3 MiB/s" */
export function fileProgressText(event: CliEvent): string {
  const total = event.total ?? 0;
  const sent = event.sent ?? 0;
  const percent = total > 0 ? Math.floor((sent / total) * 100) : 100;
  return `File ${event.file} ${event.state}: ${sizeText(sent)} of ${sizeText(total)} (${percent}%), ${sizeText(event.rate ?? 0)}/s`;
}

/** For stderr: the plain words and what to try, never a stack. */
export function formatFailure(error: SockpitError): string {
  return `sockpit: ${error.message}${error.hint ? `\nHint: ${error.hint}` : ''}`;
}

export function errorEvent(error: SockpitError, time = nowIso()): CliEvent {
  return {
    event: 'error',
    time,
    code: error.code,
    message: error.message,
    ...(error.hint ? { hint: error.hint } : {}),
    ...(error.position !== undefined ? { position: error.position } : {}),
  };
}

type ConnectionLineEvent = Extract<
  EngineEvent,
  { type: 'connection.opened' | 'connection.closed' | 'connection.refused' }
>;

/** The line a connection event prints, the same in every kind of run. */
export function connectionEvent(event: ConnectionLineEvent): CliEvent {
  const time = isoMicros(event.wallUs);
  switch (event.type) {
    case 'connection.opened': {
      const { connection } = event;
      return { event: 'accepted', time, conn: connection.connectionId, peer: connection.peer, local: connection.local };
    }
    case 'connection.closed': {
      const { connection, reason, error } = event;
      return {
        event: 'closed',
        time,
        conn: connection.connectionId,
        peer: connection.peer,
        reason,
        ...(error ? { code: error.code, message: error.message } : {}),
      };
    }
    case 'connection.refused':
      return { event: 'refused', time, peer: event.peer, limit: event.limit };
  }
}

function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/**
 * The line a received or sent record prints, the same in every kind of run. `text` comes from the caller's decoder
 * for that connection and direction, so a character split across reads still decodes.
 */
export function recordEvent(record: CaptureRecord, text: string): CliEvent {
  const bytes = record.bytes;
  return {
    event: record.dir === 'rx' ? 'data' : 'sent',
    time: isoMicros(record.wallUs),
    dir: record.dir,
    ...(record.connectionId ? { conn: record.connectionId } : {}),
    peer: record.peer,
    bytes: bytes.byteLength,
    hex: hexOf(bytes),
    text,
  };
}

/** The line a framed message prints, the same in every kind of run. */
export function messageEvent(message: RxMessage, encoding: Encoding): CliEvent {
  const bytes = message.bytes;
  return {
    event: 'data',
    time: isoMicros(message.wallUs),
    dir: 'rx',
    ...(message.connectionId ? { conn: message.connectionId } : {}),
    peer: message.peer,
    bytes: bytes.byteLength,
    hex: hexOf(bytes),
    // A message is a whole unit: decoded on its own, not carried on from the one before.
    text: decodeText(bytes, encoding),
    ...(message.bad !== undefined ? { bad: message.bad } : {}),
  };
}
