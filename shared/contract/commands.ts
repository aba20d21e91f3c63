import { z } from 'zod';
import { Checksum, Encoding, Host, Id, LineEnding, MAX_SEND_INPUT_CHARS, RemotePort, SendMode } from './fields';
import { CaptureFileFormat } from './events';
import { FramingSpec } from './framing';
import { SessionConfig } from './sessions';

// Every command any face (Electron IPC, browser bridge, CLI) can give the engine, declared once.
// The router validates raw input against `Command` before anything touches a socket.

export const SendPayload = z.strictObject({
  mode: SendMode.default('text'),
  data: z
    .string()
    .max(
      MAX_SEND_INPUT_CHARS,
      `A message can be at most ${MAX_SEND_INPUT_CHARS / (1024 * 1024)} Mi characters; send a large file in parts.`,
    ),
  encoding: Encoding.default('utf-8'),
  /** Interpret \r \n \t \\ \0 \xNN in text mode. */
  escapes: z.boolean().default(false),
  lineEnding: LineEnding.default('none'),
  checksum: Checksum.default('none'),
});
export type SendPayload = z.output<typeof SendPayload>;
export type SendPayloadInput = z.input<typeof SendPayload>;

/** Where a send goes. Omitted: a TCP client's connection, a UDP session's default remote. */
export const SendTarget = z.discriminatedUnion('to', [
  /** Every connected client of a TCP server. */
  z.strictObject({ to: z.literal('all') }),
  /** Chosen clients of a TCP server. */
  z.strictObject({ to: z.literal('connections'), connectionIds: z.array(Id).min(1).max(100_000) }),
  /** A UDP datagram to any host:port. */
  z.strictObject({ to: z.literal('peer'), host: Host, port: RemotePort }),
  /** A UDP reply to whoever sent the captured datagram with this sequence number. */
  z.strictObject({ to: z.literal('reply'), seq: z.number().int().min(1) }),
]);
export type SendTarget = z.output<typeof SendTarget>;

const SessionRef = { sessionId: Id };

export const Command = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('session.create'), config: SessionConfig, name: z.string().max(200).optional() }),
  z.strictObject({ type: z.literal('session.update'), ...SessionRef, config: SessionConfig }),
  z.strictObject({ type: z.literal('session.rename'), ...SessionRef, name: z.string().max(200) }),
  /** Change how received bytes are cut into messages (config.framing); allowed while the session runs. */
  z.strictObject({ type: z.literal('session.framing'), ...SessionRef, framing: FramingSpec }),
  z.strictObject({ type: z.literal('session.start'), ...SessionRef }),
  z.strictObject({ type: z.literal('session.stop'), ...SessionRef }),
  z.strictObject({ type: z.literal('session.remove'), ...SessionRef }),
  z.strictObject({ type: z.literal('session.list') }),
  z.strictObject({ type: z.literal('send'), ...SessionRef, payload: SendPayload, target: SendTarget.optional() }),
  z.strictObject({
    type: z.literal('connection.close'),
    ...SessionRef,
    /** Omitted: every connection of the session. */
    connectionIds: z.array(Id).max(100_000).optional(),
    /** reset sends RST instead of FIN. */
    reset: z.boolean().default(false),
  }),
  /** Send FIN and keep reading (TCP half-close). Omitted id: a TCP client's connection. */
  z.strictObject({ type: z.literal('connection.halfClose'), ...SessionRef, connectionId: Id.optional() }),
  z.strictObject({ type: z.literal('connection.list'), ...SessionRef }),
  z.strictObject({
    type: z.literal('udp.multicast'),
    ...SessionRef,
    action: z.enum(['join', 'leave']),
    group: Host,
    iface: Host.optional(),
  }),
  z.strictObject({ type: z.literal('stats.get'), ...SessionRef }),
  z.strictObject({ type: z.literal('stats.reset'), ...SessionRef }),
  z.strictObject({
    type: z.literal('capture.read'),
    ...SessionRef,
    fromSeq: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(100_000).default(1000),
  }),
  z.strictObject({ type: z.literal('capture.clear'), ...SessionRef }),
  /**
   * Save every record of the session to a file from now on, until capture.file.stop, session stop or
   * shutdown. Works in any session state, so it can be armed before the session starts.
   */
  z.strictObject({
    type: z.literal('capture.file.start'),
    ...SessionRef,
    /** Absolute; its folder must exist. */
    path: z
      .string()
      .min(1, 'Choose a file to save to.')
      .max(4096, 'The path is longer than 4096 characters.')
      .refine((text) => !text.includes('\u0000'), 'The path contains a NUL character, which no file name can.'),
    format: CaptureFileFormat.default('raw'),
    /** Add to the end of an existing file instead of replacing it. A records file must end with a whole record. */
    append: z.boolean().default(false),
  }),
  /** Flush and close the session's capture file. */
  z.strictObject({ type: z.literal('capture.file.stop'), ...SessionRef }),
  z.strictObject({ type: z.literal('net.interfaces') }),
]);
export type Command = z.output<typeof Command>;
export type CommandInput = z.input<typeof Command>;
export type CommandType = Command['type'];
