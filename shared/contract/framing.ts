import { z } from 'zod';
import { parseHex } from '../codec/hex';

// How received bytes are cut into messages: one setting per session (`config.framing`), and per view in
// the renderer. The framer that applies it is shared/framing/framer.ts; the CLI's `--frame` text form is
// shared/framing/spec-text.ts.

/** A trailing partial message past this many bytes is given up on (emitted, marked bad): memory stays bounded. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
export const MIN_MAX_MESSAGE_BYTES = 16;
export const MAX_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
export const MAX_DELIMITER_BYTES = 64;
export const MAX_IDLE_GAP_MS = 60_000;

const MaxBytes = z
  .number({ error: 'The largest message size must be a number of bytes.' })
  .int('The largest message size must be a whole number of bytes.')
  .min(MIN_MAX_MESSAGE_BYTES, `The largest message size must be at least ${MIN_MAX_MESSAGE_BYTES} bytes.`)
  .max(MAX_MAX_MESSAGE_BYTES, `The largest message size must be at most ${MAX_MAX_MESSAGE_BYTES / (1024 * 1024)} MiB.`)
  .default(DEFAULT_MAX_MESSAGE_BYTES);

/** What is wrong with a delimiter written in hex, in words; undefined when it is fine. */
export function delimiterProblem(hex: string): string | undefined {
  const parsed = parseHex(hex);
  if (!parsed.ok) return `The delimiter is not valid hex: ${parsed.error.message}`;
  if (parsed.value.length === 0)
    return 'The delimiter is empty: type at least one byte in hex, e.g. 0A for \\n or 0D 0A for \\r\\n.';
  if (parsed.value.length > MAX_DELIMITER_BYTES)
    return `The delimiter is ${parsed.value.length} bytes long; it can be at most ${MAX_DELIMITER_BYTES}.`;
  return undefined;
}

const DelimiterHex = z
  .string({ error: 'The delimiter must be bytes in hex, e.g. "0D 0A".' })
  .superRefine((hex, ctx) => {
    const problem = delimiterProblem(hex);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const FRAMING_MODES = [
  'per-read',
  'delimiter',
  'line',
  'json-lines',
  'fixed',
  'length-field',
  'idle-gap',
  'modbus-rtu',
  'modbus-tcp',
] as const;
export type FramingMode = (typeof FRAMING_MODES)[number];

export const FramingSpec = z.discriminatedUnion(
  'mode',
  [
    /** Each read (TCP) or datagram (UDP) is one message: what the socket delivered, as it delivered it. */
    z.strictObject({ mode: z.literal('per-read') }),
    /** Messages end with `delimiter` (hex, e.g. "0D0A"); `keep` leaves it on the end of each message. */
    z.strictObject({
      mode: z.literal('delimiter'),
      delimiter: DelimiterHex,
      keep: z.boolean().default(false),
      maxBytes: MaxBytes,
    }),
    /** Text lines: ends at LF; the LF and a CR before it are stripped. */
    z.strictObject({ mode: z.literal('line'), maxBytes: MaxBytes }),
    /** Lines (as `line`) that must each be one JSON value in UTF-8; a line that is not is marked bad. */
    z.strictObject({ mode: z.literal('json-lines'), maxBytes: MaxBytes }),
    z.strictObject({
      mode: z.literal('fixed'),
      length: z
        .number({ error: 'The message length must be a number of bytes.' })
        .int('The message length must be a whole number of bytes.')
        .min(1, 'The message length must be at least 1 byte.')
        .max(MAX_MAX_MESSAGE_BYTES, `The message length must be at most ${MAX_MAX_MESSAGE_BYTES / (1024 * 1024)} MiB.`),
    }),
    /**
     * A length field at `offset` of `size` bytes. The message is `offset + size + value + adjust` bytes long,
     * or `value + adjust` when the value counts the header (`includesHeader`) too.
     */
    z.strictObject({
      mode: z.literal('length-field'),
      offset: z
        .number({ error: 'The length field offset must be a number of bytes.' })
        .int('The length field offset must be a whole number of bytes.')
        .min(0, 'The length field offset cannot be negative.')
        .max(1024, 'The length field offset must be at most 1024 bytes.'),
      size: z.union([z.literal(1), z.literal(2), z.literal(4)], {
        error: 'The length field is 1, 2 or 4 bytes long.',
      }),
      endian: z
        .enum(['be', 'le'], { error: 'The length field is big endian ("be") or little endian ("le").' })
        .default('be'),
      includesHeader: z.boolean().default(false),
      adjust: z
        .number({ error: 'The length adjustment must be a number of bytes.' })
        .int('The length adjustment must be a whole number of bytes.')
        .min(-65536, 'The length adjustment must be at least -65536.')
        .max(65536, 'The length adjustment must be at most 65536.')
        .default(0),
      maxBytes: MaxBytes,
    }),
    /** A message ends when the line has been quiet for `gapMs`. */
    z.strictObject({
      mode: z.literal('idle-gap'),
      gapMs: z
        .number({ error: 'The idle gap must be a number of milliseconds.' })
        .int('The idle gap must be a whole number of milliseconds.')
        .min(1, 'The idle gap must be at least 1 ms.')
        .max(MAX_IDLE_GAP_MS, `The idle gap must be at most ${MAX_IDLE_GAP_MS} ms.`),
      maxBytes: MaxBytes,
    }),
    /** Modbus RTU: length from the function code (requests, responses, exceptions), CRC-16/MODBUS checked. */
    z.strictObject({ mode: z.literal('modbus-rtu') }),
    /** Modbus TCP: the MBAP header's length field. */
    z.strictObject({ mode: z.literal('modbus-tcp') }),
  ],
  { error: `The framing mode must be one of: ${FRAMING_MODES.join(', ')}.` },
);
export type FramingSpec = z.output<typeof FramingSpec>;
export type FramingSpecInput = z.input<typeof FramingSpec>;

export const PER_READ: FramingSpec = { mode: 'per-read' };

/**
 * One received message as the session's framing cut it (`Session.onMessage`): with per-read framing one read
 * or datagram, otherwise one framed message of one connection (UDP: of one peer).
 */
export const RxMessage = z.object({
  sessionId: z.string(),
  /** The TCP connection; null for UDP. */
  connectionId: z.string().nullable(),
  peer: z.string(),
  /** May be a view into the received chunk: copy what you keep beyond the call. */
  bytes: z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'The bytes must be a Uint8Array.'),
  /** When the message's first byte arrived. */
  wallUs: z.number(),
  monoUs: z.number(),
  /** Why the message is not a good one (wrong CRC, impossible length, no delimiter in time, cut off). */
  bad: z.string().optional(),
  /** The capture records holding its first and last byte. */
  firstSeq: z.number().int(),
  lastSeq: z.number().int(),
});
export type RxMessage = z.infer<typeof RxMessage>;
