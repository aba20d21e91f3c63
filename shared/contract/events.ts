import type { SockpitError } from '../result';
import type { SessionConfig, SessionKind } from './sessions';

// What the engine reports. Events are plain data so any transport can carry them.

export type Direction = 'rx' | 'tx';

/** host:port as a person writes it; IPv6 in brackets: [::1]:7890. */
export type EndpointText = string;

export interface CaptureRecord {
  /** 1, 2, 3 … per session, never reused, even after eviction or clear. */
  seq: number;
  sessionId: string;
  /** The TCP connection (server client, client connection, short-mode exchange); null for UDP. */
  connectionId: string | null;
  dir: Direction;
  /** Wall-clock time in microseconds since the Unix epoch. */
  wallUs: number;
  /** Monotonic time in microseconds since the engine started; differences are exact intervals. */
  monoUs: number;
  /** Who sent it (rx) or who it went to (tx). */
  peer: EndpointText;
  /** Exactly the bytes that arrived or went on the wire. */
  bytes: Uint8Array;
}

export type SessionState =
  | 'idle' // created, never started, or stopped
  | 'starting'
  | 'listening' // TCP server accepting, UDP bound
  | 'connecting'
  | 'connected'
  | 'ready' // TCP client in short-connection mode: waits for a send
  | 'reconnecting'
  | 'failed'; // the last start failed; `error` says why

export type CloseReason =
  | 'peer-closed' // FIN from the peer
  | 'reset' // RST from the peer
  | 'idle-timeout'
  | 'kicked' // the user disconnected it
  | 'local-closed' // the user stopped a client session, or a short-mode exchange finished
  | 'server-stopped'
  | 'refused' // over a server's client limits
  | 'error';

export interface Counters {
  bytesIn: number;
  bytesOut: number;
  packetsIn: number;
  packetsOut: number;
  /** Bytes per second over the last second. */
  rateIn: number;
  rateOut: number;
  /** Wall-clock ms since the epoch when the counters were last reset (or started). */
  since: number;
}

export interface ConnectionInfo {
  connectionId: string;
  sessionId: string;
  peer: EndpointText;
  local: EndpointText;
  /** Wall-clock ms since the epoch. */
  connectedAt: number;
  state: 'open' | 'half-closed-by-peer' | 'half-closed-by-us' | 'closed';
  counters: Counters;
  closeReason?: CloseReason;
}

export interface SessionStats {
  sessionId: string;
  counters: Counters;
  /** TCP server: connections accepted and refused (over maxClients / maxClientsPerIp). */
  accepted: number;
  refused: number;
  /** Capture store: bytes held, cap, what eviction removed. */
  capture: { records: number; bytes: number; capBytes: number; evictedRecords: number; evictedBytes: number; firstSeq: number; lastSeq: number };
  connections: ConnectionInfo[];
}

export interface SessionInfo {
  sessionId: string;
  name: string;
  config: SessionConfig;
  kind: SessionKind;
  state: SessionState;
  /** Where we listen / are bound / connected from. */
  local?: EndpointText;
  /** TCP client or UDP default remote. */
  remote?: EndpointText;
  error?: SockpitError;
  /** UDP: what the OS granted when we asked for a receive buffer. */
  recvBufferBytes?: number;
  multicastGroups?: string[];
}

export interface ExchangeInfo {
  exchangeId: number;
  connectionId: string | null;
  startedAt: number;
  durationMs: number;
  bytesSent: number;
  bytesReceived: number;
  end: 'idle' | 'timeout' | 'peer-closed' | 'reset' | 'error' | 'stopped';
  error?: SockpitError;
}

export type EngineEvent =
  | { type: 'session.added'; session: SessionInfo }
  | { type: 'session.state'; session: SessionInfo }
  | { type: 'session.removed'; sessionId: string }
  | { type: 'connection.opened'; connection: ConnectionInfo }
  | { type: 'connection.halfClosed'; sessionId: string; connectionId: string; by: 'peer' | 'us' }
  | { type: 'connection.closed'; connection: ConnectionInfo; reason: CloseReason; error?: SockpitError }
  | { type: 'connection.refused'; sessionId: string; peer: EndpointText; limit: 'maxClients' | 'maxClientsPerIp' }
  | { type: 'record'; record: CaptureRecord }
  | { type: 'exchange'; sessionId: string; exchange: ExchangeInfo }
  | { type: 'stats'; stats: SessionStats }
  | { type: 'error'; sessionId?: string; connectionId?: string; error: SockpitError };

export type EngineEventType = EngineEvent['type'];

export interface NetworkInterfaceAddress {
  iface: string;
  address: string;
  family: 'IPv4' | 'IPv6';
  internal: boolean;
  /** IPv6 scope id for link-local addresses. */
  scopeId?: number;
}

export interface SendResult {
  /** Bytes that went on the wire per destination (the same bytes to each). */
  bytes: number;
  destinations: number;
  /** The tx records created, one per destination. */
  seqs: number[];
  /** Destinations that could not be written (a client that vanished mid-send), each with why. */
  failed?: Array<{ connectionId: string; error: SockpitError }>;
}
