import { z } from 'zod';
import { Host, Id, RemotePort } from './fields';
import { SendPayload } from './send-payload';
import { CaptureFileFormat } from './events';
import { FramingSpec } from './framing';
import { SessionConfig } from './sessions';
import { JobTimes, MaxFailures, RepeatInterval, SequenceStep } from './send-jobs';
import { RuleSet, TryMessage } from './rules';
import { FileChunkFields, FileSendOptions } from './file-send';
import { WorkspaceDocument, WorkspaceUi } from './workspace';

// Every command any face (Electron IPC, browser bridge, CLI) can give the engine, declared once.
// The router validates raw input against `Command` before anything touches a socket.

export { SendPayload, type SendPayloadInput } from './send-payload';

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
  z.strictObject({
    type: z.literal('session.create'),
    config: SessionConfig,
    name: z.string().max(200).optional(),
    /** Given when a workspace brings a session back under the id it had; otherwise the engine picks one. */
    id: Id.optional(),
  }),
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
    /**
     * Read only the newest records of the range whose payloads fit in this many bytes (at least one record): a
     * reconnecting view's snapshot stays small however big the records are.
     */
    tailBytes: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
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
  /** Send the payload now and then every intervalMs, `times` times or until send.stop; the engine keeps the clock. */
  z.strictObject({
    type: z.literal('send.repeat'),
    ...SessionRef,
    payload: SendPayload,
    target: SendTarget.optional(),
    intervalMs: RepeatInterval,
    times: JobTimes.default('forever'),
    maxFailures: MaxFailures,
  }),
  /** Send the steps in order, each followed by its delay (and optionally a wait for the reply); `times` rounds. */
  z.strictObject({
    type: z.literal('send.sequence'),
    ...SessionRef,
    steps: z
      .array(SequenceStep)
      .min(1, 'A sequence needs at least one step.')
      .max(1000, 'A sequence has at most 1000 steps.'),
    target: SendTarget.optional(),
    times: JobTimes.default(1),
    maxFailures: MaxFailures,
  }),
  /** Stop one job, or every job of the session when jobId is omitted. */
  z.strictObject({ type: z.literal('send.stop'), ...SessionRef, jobId: Id.optional() }),
  z.strictObject({ type: z.literal('send.jobs'), ...SessionRef }),
  /** The bytes the next send of this payload would be, counter included; nothing is sent and nothing advances. */
  z.strictObject({ type: z.literal('send.preview'), ...SessionRef, payload: SendPayload }),
  // Auto-reply rules (rules.ts). Lazy: rules.ts imports SendPayload from here.
  /** Replace the session's rules, also while it runs; counters of rules whose name stays are kept. */
  z.strictObject({ type: z.literal('rules.set'), ...SessionRef, rules: z.lazy(() => RuleSet) }),
  z.strictObject({ type: z.literal('rules.get'), ...SessionRef }),
  z.strictObject({ type: z.literal('rules.counters.reset'), ...SessionRef }),
  /** Which rule answers a message, with what bytes, without a peer: these `rules`, or else the session's. */
  z.strictObject({
    type: z.literal('rules.try'),
    sessionId: Id.optional(),
    rules: z.lazy(() => RuleSet).optional(),
    message: z.lazy(() => TryMessage),
  }),
  /** Start sending a file to the session's target(s); answers at once with the job, which ends with file.send.ended. */
  z.strictObject({
    type: z.literal('file.send.start'),
    ...SessionRef,
    ...FileSendOptions,
    target: SendTarget.optional(),
  }),
  /** The next part of a pushed file; answered once the engine can take the one after it. */
  z.strictObject({ type: z.literal('file.send.chunk'), ...SessionRef, ...FileChunkFields }),
  z.strictObject({ type: z.literal('file.send.cancel'), ...SessionRef, jobId: Id }),
  /** Starts the given stopped sessions, or, without ids, every session the workspace says was running. */
  z.strictObject({ type: z.literal('session.startAll'), sessionIds: z.array(Id).max(1000).optional() }),
  z.strictObject({ type: z.literal('workspace.get') }),
  /** The page's part of the workspace (views, layout, presets, …); saved shortly after, atomically. */
  z.strictObject({ type: z.literal('workspace.ui'), ui: z.lazy(() => WorkspaceUi) }),
  /** Replaces every session (stopping running ones) and the page's part with those of a workspace file. */
  z.strictObject({ type: z.literal('workspace.import'), document: z.lazy(() => WorkspaceDocument) }),
  /** A session's newest connection events (the last 1000), stamped after `afterMonoUs`: for a view that reloads. */
  z.strictObject({ type: z.literal('connection.events'), ...SessionRef, afterMonoUs: z.number().min(0).optional() }),
]);
export type Command = z.output<typeof Command>;
export type CommandInput = z.input<typeof Command>;
export type CommandType = Command['type'];
