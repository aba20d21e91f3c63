import { z } from 'zod';
import { Id } from './fields';

// Sending a file: one job per session at a time, fed either from a path the engine opens (the CLI, the
// desktop app) or from parts a user interface pushes (a browser page cannot name a path). Both end the
// same way: a `file.send.ended` event and the job's final info.

/**
 * Bytes per `file.send.chunk` a user interface pushes. The part travels as base64 (4 characters per 3
 * bytes) inside one JSON command, and the bridge refuses a WebSocket message over
 * `MAX_CLIENT_MESSAGE_BYTES` (1 MiB, wire.ts): 512 KiB becomes ~683 KiB of text, leaving room for the envelope.
 */
export const FILE_PUSH_CHUNK_BYTES = 512 * 1024;
const BASE64_CHARS_PER_PUSH = Math.ceil(FILE_PUSH_CHUNK_BYTES / 3) * 4;

/** TCP: bytes per write (and per tx record) when the command does not say. */
export const DEFAULT_TCP_FILE_CHUNK_BYTES = 64 * 1024;
/**
 * UDP: bytes per datagram when the command does not say. 1472 fills one Ethernet frame (1500 MTU minus the
 * 20-byte IPv4 and 8-byte UDP headers), so no datagram is fragmented on a usual LAN.
 */
export const DEFAULT_UDP_DATAGRAM_BYTES = 1472;
export const MAX_FILE_CHUNK_BYTES = 16 * 1024 * 1024;
export const MAX_FILE_PAUSE_MS = 60_000;

export const FileSendSource = z.discriminatedUnion('kind', [
  /** The engine opens and reads the file. */
  z.strictObject({
    kind: z.literal('path'),
    path: z
      .string()
      .min(1, 'Choose a file to send.')
      .max(4096, 'The path is longer than 4096 characters.')
      .refine((text) => !text.includes('\u0000'), 'The path contains a NUL character, which no file name can.'),
  }),
  /** A user interface pushes the file's bytes with `file.send.chunk`, in order, `size` bytes in all. */
  z.strictObject({
    kind: z.literal('push'),
    /** What to call it in progress and messages, e.g. the picked file's name. */
    name: z.string().min(1).max(1024),
    size: z.number().int('The file size must be a whole number of bytes.').min(0).max(Number.MAX_SAFE_INTEGER),
  }),
]);
export type FileSendSource = z.output<typeof FileSendSource>;

/** The fields of `file.send.start` besides sessionId and target (commands.ts adds those). */
export const FileSendOptions = {
  source: FileSendSource,
  /**
   * TCP: bytes per write, each one tx record (default 64 KiB). UDP: bytes per datagram (default 1472;
   * at most 65,507 on IPv4 and 65,527 on IPv6).
   */
  chunkBytes: z
    .number()
    .int('The chunk size must be a whole number of bytes.')
    .min(1, 'The chunk size must be at least 1 byte.')
    .max(MAX_FILE_CHUNK_BYTES, `The chunk size must be at most ${MAX_FILE_CHUNK_BYTES / (1024 * 1024)} MiB.`)
    .optional(),
  /** UDP only: wait this long after each datagram, for receivers that drop what comes too fast. */
  pauseMs: z
    .number()
    .int('The pause must be a whole number of milliseconds.')
    .min(0, 'The pause cannot be negative.')
    .max(MAX_FILE_PAUSE_MS, `The pause must be at most ${MAX_FILE_PAUSE_MS} ms.`)
    .default(0),
};

export const FileChunkFields = {
  jobId: Id,
  /** Where this part starts in the file: exactly the bytes received so far, so a repeated or lost part is caught. */
  offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  /** The part's bytes as base64; at most FILE_PUSH_CHUNK_BYTES of them. */
  data: z
    .string()
    .max(BASE64_CHARS_PER_PUSH, `A pushed part carries at most ${FILE_PUSH_CHUNK_BYTES / 1024} KiB.`)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'The part must be base64.'),
};

export const FileSendState = z.enum([
  'sending',
  'done', // every byte went to every destination that stayed
  'cancelled', // file.send.cancel
  'failed', // `error` says why: unreadable file, the connection went, the session stopped, …
]);
export type FileSendState = z.infer<typeof FileSendState>;

export const FileSendInfo = z.object({
  jobId: z.string(),
  sessionId: z.string(),
  /** The file's name (no folder). */
  name: z.string(),
  totalBytes: z.number(),
  /** Bytes of the file the system has taken for every remaining destination. */
  sentBytes: z.number(),
  /** Over the last progress interval. */
  bytesPerSecond: z.number(),
  /** Connections (TCP) or the one host:port (UDP) it goes to; fewer once one goes away. */
  destinations: z.number(),
  /** Bytes per write (TCP) or per datagram (UDP). */
  chunkBytes: z.number(),
  /** UDP: datagrams sent so far. */
  datagrams: z.number().optional(),
  state: FileSendState,
  /** Why it stopped, in words, for cancelled and failed. */
  reason: z.string().optional(),
  /** A SockpitError (events.ts imports this file, so its schema cannot be imported here). */
  error: z
    .object({
      code: z.string(),
      message: z.string(),
      hint: z.string().optional(),
      syscall: z.string().optional(),
      address: z.string().optional(),
      port: z.number().int().optional(),
    })
    .optional(),
  /** Wall-clock ms since the epoch. */
  startedAt: z.number(),
  /** Wall-clock ms since the epoch, once it ended. */
  endedAt: z.number().optional(),
});
export type FileSendInfo = z.infer<typeof FileSendInfo>;

/** What `file.send.chunk` answers once the engine can take the next part. */
export const FileChunkAccepted = z.object({ receivedBytes: z.number(), sentBytes: z.number() });
export type FileChunkAccepted = z.infer<typeof FileChunkAccepted>;
