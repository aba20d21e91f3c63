import { z } from 'zod';
import type { SockpitError as SockpitErrorType } from '../result';
import { Encoding } from './fields';
import { SessionConfig } from './sessions';
import { SendJobInfo } from './send-jobs';
import { RuleCounter } from './rule-counters';
import { FileSendInfo } from './file-send';

// What the engine reports, declared once with runtime schemas: a face that receives events over a
// wire (the renderer over IPC or WebSocket) checks them with the same schemas the engine's tests do.

export const Direction = z.enum(['rx', 'tx']);
export type Direction = z.infer<typeof Direction>;

/** host:port as a person writes it; IPv6 in brackets: [::1]:7890. */
export const EndpointText = z.string();
export type EndpointText = z.infer<typeof EndpointText>;

export const SockpitErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  hint: z.string().optional(),
  key: z.string().optional(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  position: z.number().int().optional(),
  syscall: z.string().optional(),
  address: z.string().optional(),
  port: z.number().int().optional(),
  attempts: z
    .array(
      z.object({ code: z.string(), address: z.string().optional(), port: z.number().optional(), message: z.string() }),
    )
    .optional(),
}) satisfies z.ZodType<SockpitErrorType>;

export const CaptureRecord = z.object({
  /** 1, 2, 3 … per session, never reused, even after eviction or clear. */
  seq: z.number().int().min(1),
  sessionId: z.string(),
  /** The TCP connection (server client, client connection, short-mode exchange); null for UDP. */
  connectionId: z.string().nullable(),
  dir: Direction,
  /** Wall-clock time in microseconds since the Unix epoch. */
  wallUs: z.number(),
  /** Monotonic time in microseconds since the engine started; differences are exact intervals. */
  monoUs: z.number(),
  /** Who sent it (rx) or who it went to (tx). */
  peer: EndpointText,
  /** Exactly the bytes that arrived or went on the wire. */
  bytes: z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'The bytes must be a Uint8Array.'),
  /** tx records of a text send: the encoding the text was encoded in. None for rx, hex sends and echoes. */
  encoding: Encoding.optional(),
});
export type CaptureRecord = z.infer<typeof CaptureRecord>;

export const SessionState = z.enum([
  'idle', // created, never started, or stopped
  'starting',
  'listening', // TCP server accepting, UDP bound
  'connecting',
  'connected',
  'ready', // TCP client in short-connection mode: waits for a send
  'reconnecting',
  'failed', // the last start failed; `error` says why
]);
export type SessionState = z.infer<typeof SessionState>;

export const CloseReason = z.enum([
  'peer-closed', // FIN from the peer
  'reset', // RST from the peer
  'idle-timeout',
  'kicked', // the user disconnected it
  'local-closed', // the user stopped a client session, or a short-mode exchange finished
  'server-stopped',
  'error',
]);
export type CloseReason = z.infer<typeof CloseReason>;

export const Counters = z.object({
  bytesIn: z.number(),
  bytesOut: z.number(),
  packetsIn: z.number(),
  packetsOut: z.number(),
  /** Bytes per second over the last second. */
  rateIn: z.number(),
  rateOut: z.number(),
  /** Wall-clock ms since the epoch when the counters were last reset (or started). */
  since: z.number(),
});
export type Counters = z.infer<typeof Counters>;

export const ConnectionInfo = z.object({
  connectionId: z.string(),
  sessionId: z.string(),
  peer: EndpointText,
  local: EndpointText,
  /** Wall-clock ms since the epoch. */
  connectedAt: z.number(),
  state: z.enum(['open', 'half-closed-by-peer', 'half-closed-by-us', 'closed']),
  counters: Counters,
  closeReason: CloseReason.optional(),
});
export type ConnectionInfo = z.infer<typeof ConnectionInfo>;

export const CaptureStats = z.object({
  records: z.number(),
  bytes: z.number(),
  capBytes: z.number(),
  evictedRecords: z.number(),
  evictedBytes: z.number(),
  firstSeq: z.number(),
  lastSeq: z.number(),
});

export const CaptureFileFormat = z.enum(['raw', 'records'], {
  error: 'The capture file format is "raw" (the received bytes only) or "records" (every record, both directions).',
});
export type CaptureFileFormat = z.infer<typeof CaptureFileFormat>;

/**
 * A session's capture file (capture.file.start). Every rx and tx record goes to it from the session's
 * record path, whatever any user interface shows or skips. The file is the only thing allowed to slow
 * a peer down, and only when the disk cannot keep up: see `state`.
 */
export const CaptureFileInfo = z.object({
  path: z.string(),
  /** raw: received bytes only, concatenated in arrival order; records: every record with its metadata. */
  format: CaptureFileFormat,
  /** The file was appended to rather than replaced. */
  append: z.boolean(),
  /**
   * writing: keeping up. disk-behind: more than the high-water mark waits for the disk — TCP sessions
   * pause reading their connections until it drains (nothing is lost; TCP slows the peers down); UDP
   * cannot be paused, so datagrams beyond a hard cap are left out of the file and counted in `dropped*`.
   * closed: stopped and flushed, every accepted byte is in the file. error: writing failed; `error` says why.
   */
  state: z.enum(['writing', 'disk-behind', 'closed', 'error']),
  /** Bytes this capture put into the file (an appended file's earlier contents not included). */
  bytesWritten: z.number(),
  /** Records completely in the file (raw: received chunks or datagrams). */
  records: z.number(),
  /** Accepted and not yet on disk. */
  pendingBytes: z.number(),
  /**
   * UDP only: datagrams (and their bytes) left out of the file because the disk was too far behind; they are still in
   * the capture and the counters.
   */
  droppedRecords: z.number(),
  droppedBytes: z.number(),
  /** The state in plain words, for showing next to it. */
  note: z.string(),
  error: SockpitErrorSchema.optional(),
  /** Wall-clock ms since the epoch. */
  startedAt: z.number(),
});
export type CaptureFileInfo = z.infer<typeof CaptureFileInfo>;

export const SessionStats = z.object({
  sessionId: z.string(),
  counters: Counters,
  /** TCP server: connections accepted and refused (over maxClients / maxClientsPerIp). */
  accepted: z.number(),
  refused: z.number(),
  /** Capture store: bytes held, cap, what eviction removed. */
  capture: CaptureStats,
  /**
   * `stats.get` and `stats.reset`: every live connection. The periodic `stats` event: only the connections
   * whose counters or state changed since the previous report, or whose rate is still falling to zero (a
   * new idle connection is not repeated: `connection.opened` carried it), so a view keeps the ones it knows
   * and updates these; `connection.closed` says when one goes.
   */
  connections: z.array(ConnectionInfo),
  /** The capture file, when one is on or was on since the session last started saving. */
  captureFile: CaptureFileInfo.optional(),
  /** Wall-clock ms since the epoch when the engine took these figures: rates between two reports divide by it. */
  takenAt: z.number().optional(),
  /**
   * UDP on Linux: datagrams the system dropped for this session's socket since it started, because the receive
   * buffer was full (the `drops` of /proc/net/udp). Absent where the system does not say.
   */
  systemDrops: z.number().optional(),
});
export type SessionStats = z.infer<typeof SessionStats>;

export const SessionInfo = z.object({
  sessionId: z.string(),
  name: z.string(),
  config: SessionConfig,
  state: SessionState,
  /** Where we listen / are bound / connected from. */
  local: EndpointText.optional(),
  /** TCP client or UDP default remote. */
  remote: EndpointText.optional(),
  error: SockpitErrorSchema.optional(),
  /** UDP: what the OS granted when we asked for a receive buffer. */
  recvBufferBytes: z.number().optional(),
  multicastGroups: z.array(z.string()).optional(),
  /** The capture file; it stays here with state "closed" (or "error") after it stops. */
  captureFile: CaptureFileInfo.optional(),
});
export type SessionInfo = z.infer<typeof SessionInfo>;

export const ExchangeInfo = z.object({
  exchangeId: z.number().int(),
  connectionId: z.string().nullable(),
  startedAt: z.number(),
  durationMs: z.number(),
  bytesSent: z.number(),
  bytesReceived: z.number(),
  end: z.enum(['idle', 'timeout', 'peer-closed', 'reset', 'error', 'stopped']),
  error: SockpitErrorSchema.optional(),
});
export type ExchangeInfo = z.infer<typeof ExchangeInfo>;

/**
 * When a connection event happened, stamped by the engine where it happened (the same clocks as a record's),
 * so a view can put it in order with the records around it.
 */
const EventStamp = {
  /** Wall-clock time in microseconds since the Unix epoch. */
  wallUs: z.number(),
  /** Monotonic time in microseconds since the engine started, comparable with a record's `monoUs`. */
  monoUs: z.number(),
};

export const EngineEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('session.added'), session: SessionInfo }),
  z.object({ type: z.literal('session.state'), session: SessionInfo }),
  z.object({ type: z.literal('session.removed'), sessionId: z.string() }),
  z.object({ type: z.literal('connection.opened'), connection: ConnectionInfo, ...EventStamp }),
  z.object({
    type: z.literal('connection.halfClosed'),
    sessionId: z.string(),
    connectionId: z.string(),
    by: z.enum(['peer', 'us']),
    ...EventStamp,
  }),
  z.object({
    type: z.literal('connection.closed'),
    connection: ConnectionInfo,
    reason: CloseReason,
    error: SockpitErrorSchema.optional(),
    ...EventStamp,
  }),
  z.object({
    type: z.literal('connection.refused'),
    sessionId: z.string(),
    peer: EndpointText,
    limit: z.enum(['maxClients', 'maxClientsPerIp']),
    ...EventStamp,
  }),
  /** Someone cleared the capture store; records before `nextSeq` are gone on purpose, not skipped. */
  z.object({ type: z.literal('capture.cleared'), sessionId: z.string(), nextSeq: z.number().int().min(1) }),
  z.object({ type: z.literal('exchange'), sessionId: z.string(), exchange: ExchangeInfo }),
  z.object({ type: z.literal('stats'), stats: SessionStats }),
  /** A repeat or sequence started, made progress (at most a few times a second) or finished (`job.end`). */
  z.object({ type: z.literal('send.job'), job: SendJobInfo }),
  z.object({
    type: z.literal('error'),
    sessionId: z.string().optional(),
    connectionId: z.string().optional(),
    error: SockpitErrorSchema,
  }),
  /** Auto-reply counters moved (or were reset); at most four times a second per session while rules fire. */
  z.object({
    type: z.literal('rules.counters'),
    sessionId: z.string(),
    counters: z.array(RuleCounter),
    skipped: z.number(),
    /** The rule set's revision (`RulesState.revision`): a view holding another one reads the rules again. */
    revision: z.number(),
  }),
  /** A file send moved on: at most a few times a second while it runs. */
  z.object({ type: z.literal('file.send.progress'), job: FileSendInfo }),
  /** A file send is over: done, cancelled or failed (the job says why). */
  z.object({ type: z.literal('file.send.ended'), job: FileSendInfo }),
  /** The workspace file was saved, or could not be (then `error` says why and nothing older was lost). */
  z.object({
    type: z.literal('workspace.saved'),
    path: z.string(),
    savedAt: z.string(),
    error: SockpitErrorSchema.optional(),
  }),
]);
export type EngineEvent = z.infer<typeof EngineEvent>;
export type EngineEventType = EngineEvent['type'];
/** The events that are connection lines in a log; the engine keeps the newest per session (`connection.events`). */
export type ConnectionEvent = Extract<
  EngineEvent,
  { type: 'connection.opened' | 'connection.halfClosed' | 'connection.closed' | 'connection.refused' }
>;

/** The session a connection event belongs to; undefined for any other event. */
export function sessionOfConnectionEvent(event: EngineEvent): string | undefined {
  switch (event.type) {
    case 'connection.opened':
    case 'connection.closed':
      return event.connection.sessionId;
    case 'connection.halfClosed':
    case 'connection.refused':
      return event.sessionId;
    default:
      return undefined;
  }
}

export const NetworkInterfaceAddress = z.object({
  iface: z.string(),
  address: z.string(),
  family: z.enum(['IPv4', 'IPv6']),
  internal: z.boolean(),
  /** IPv6 scope id for link-local addresses. */
  scopeId: z.number().optional(),
});
export type NetworkInterfaceAddress = z.infer<typeof NetworkInterfaceAddress>;

export const SendResult = z.object({
  /** Bytes that went on the wire per destination (the same bytes to each). */
  bytes: z.number(),
  destinations: z.number(),
  /** The tx records created, one per destination. */
  seqs: z.array(z.number()),
  /** Destinations that could not be written (a client that vanished mid-send), each with why. */
  failed: z.array(z.object({ connectionId: z.string(), error: SockpitErrorSchema })).optional(),
});
export type SendResult = z.infer<typeof SendResult>;
