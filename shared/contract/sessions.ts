import { z } from 'zod';
import { Host, LocalPort, Millis, RemotePort } from './fields';
import { FramingSpec } from './framing';

// What a person configures for each kind of session. Every object is strict: an unknown key
// (including "__proto__" or "constructor") is refused, never merged.

export const DEFAULT_CAPTURE_CAP_BYTES = 64 * 1024 * 1024;
const CaptureCap = z
  .number()
  .int()
  .min(64 * 1024, 'The capture cap must be at least 64 KiB.')
  .max(8 * 1024 * 1024 * 1024, 'The capture cap must be at most 8 GiB.');

/**
 * Auto-reply: every received chunk (TCP) or datagram (UDP) goes straight back to whoever sent it,
 * byte for byte, and is recorded as a tx record like any send. Two echoing ends — two Sockpit sessions
 * with echo on, or Sockpit and an echo server — bounce the same bytes back and forth for as long as
 * both run; nothing stops that except the user, who sees it as counters that keep climbing. A TCP peer
 * that does not read what comes back stops being echoed (see the engine) instead of filling memory.
 * TCP client in short mode: each exchange echoes what arrives while it is open; it still ends when the
 * line is quiet for `shortIdleMs` or after `shortTimeoutMs`, so a ping-pong with an echo server is bounded.
 */
const Echo = z.boolean().default(false);

/**
 * How received bytes are cut into messages for whoever listens to messages (auto-reply rules, the CLI's
 * `--frame`): per connection, per peer for UDP. Changeable while running with `session.framing`.
 */
const Framing = FramingSpec.default({ mode: 'per-read' });

export const TcpServerConfig = z.strictObject({
  kind: z.literal('tcp-server'),
  /** 0.0.0.0 = any IPv4, :: = any IPv6 (and IPv4 where the OS maps it), 127.0.0.1, ::1 or one interface's address. */
  host: Host.default('0.0.0.0'),
  port: LocalPort,
  /** Connections beyond this are accepted by the OS, then closed at once and counted as refused. */
  maxClients: z.number().int().min(1).max(100_000).optional(),
  maxClientsPerIp: z.number().int().min(1).max(100_000).optional(),
  /** Close a connection that has carried no data in either direction for this long. */
  idleTimeoutMs: Millis(100, 24 * 3600 * 1000).optional(),
  /** Keep our side writable after the peer sends FIN, until the user closes it. */
  allowHalfOpen: z.boolean().default(false),
  noDelay: z.boolean().default(true),
  echo: Echo,
  captureCapBytes: CaptureCap.default(DEFAULT_CAPTURE_CAP_BYTES),
  framing: Framing,
});

export const ReconnectOptions = z.strictObject({
  intervalMs: Millis(100, 3600 * 1000).default(2000),
  /** 0 = keep trying until the user stops the session. */
  maxAttempts: z.number().int().min(0).max(1_000_000).default(0),
});

export const TcpClientConfig = z.strictObject({
  kind: z.literal('tcp-client'),
  host: Host,
  port: RemotePort,
  localHost: Host.optional(),
  localPort: LocalPort.optional(),
  connectTimeoutMs: Millis(50, 300_000).default(10_000),
  keepAlive: z.boolean().default(false),
  keepAliveInitialDelayMs: Millis(0, 7200_000).default(60_000),
  noDelay: z.boolean().default(true),
  allowHalfOpen: z.boolean().default(false),
  reconnect: ReconnectOptions.optional(),
  /**
   * long: one connection for the life of the session.
   * short: every send is its own exchange — connect, send, collect the reply until the line is quiet
   * for `shortIdleMs` or `shortTimeoutMs` passes, then close.
   */
  mode: z.enum(['long', 'short']).default('long'),
  shortIdleMs: Millis(10, 600_000).default(300),
  shortTimeoutMs: Millis(50, 600_000).default(5000),
  echo: Echo,
  captureCapBytes: CaptureCap.default(DEFAULT_CAPTURE_CAP_BYTES),
  framing: Framing,
});

export const UdpConfig = z.strictObject({
  kind: z.literal('udp'),
  /** udp4 or udp6 is chosen from this address: 0.0.0.0 / :: / a specific one. */
  host: Host.default('0.0.0.0'),
  port: LocalPort.default(0),
  remoteHost: Host.optional(),
  remotePort: RemotePort.optional(),
  broadcast: z.boolean().default(false),
  multicastTtl: z.number().int().min(0).max(255).optional(),
  multicastLoopback: z.boolean().optional(),
  /** Groups to join as soon as the socket is bound. */
  multicastGroups: z
    .array(z.strictObject({ group: Host, iface: Host.optional() }))
    .max(64)
    .default([]),
  ttl: z.number().int().min(1).max(255).optional(),
  /** Ask the OS for this much receive buffer; what it grants is reported. */
  recvBufferBytes: z
    .number()
    .int()
    .min(4096)
    .max(256 * 1024 * 1024)
    .default(4 * 1024 * 1024),
  reuseAddr: z.boolean().default(false),
  echo: Echo,
  captureCapBytes: CaptureCap.default(DEFAULT_CAPTURE_CAP_BYTES),
  framing: Framing,
});

export const SessionConfig = z.discriminatedUnion('kind', [TcpServerConfig, TcpClientConfig, UdpConfig]);
export type SessionConfig = z.output<typeof SessionConfig>;
export type SessionConfigInput = z.input<typeof SessionConfig>;
export type TcpServerConfig = z.output<typeof TcpServerConfig>;
export type TcpClientConfig = z.output<typeof TcpClientConfig>;
export type UdpConfig = z.output<typeof UdpConfig>;
export type SessionKind = SessionConfig['kind'];
