import { z } from 'zod';
import { Checksum, Encoding, LineEnding, MAX_SEND_INPUT_CHARS, SendMode } from './fields';

// What one send carries, in its own file so session settings (a greeting) can hold a payload without
// an import cycle between sessions.ts and commands.ts.

/** How a number placeholder ({counter}, {len}) becomes bytes: 1, 2 or 4 bytes big or little endian, or decimal text. */
export const NumberFormat = z.enum(['be', 'le', 'text'], {
  error: 'The number format is "be" (big endian), "le" (little endian) or "text" (decimal digits).',
});
export type NumberFormat = z.infer<typeof NumberFormat>;

export const FieldWidth = z.union([z.literal(1), z.literal(2), z.literal(4)], {
  error: 'The width is 1, 2 or 4 bytes.',
});
export type FieldWidth = z.infer<typeof FieldWidth>;

const MAX_U32 = 0xffff_ffff;

/** {counter}: start, start + step, start + 2·step … once per send that uses it; wraps at the width. */
export const CounterField = z.strictObject({
  start: z
    .number()
    .int('The counter start must be a whole number.')
    .min(0, 'The counter start cannot be negative.')
    .max(MAX_U32, `The counter start must be at most ${MAX_U32}.`)
    .default(0),
  step: z
    .number()
    .int('The counter step must be a whole number.')
    .min(-MAX_U32, `The counter step must be at least -${MAX_U32}.`)
    .max(MAX_U32, `The counter step must be at most ${MAX_U32}.`)
    .default(1),
  width: FieldWidth.default(1),
  format: NumberFormat.default('be'),
});
export type CounterField = z.output<typeof CounterField>;

/** {len}: the message's length in bytes (without the line ending). */
export const LengthField = z.strictObject({
  width: FieldWidth.default(1),
  format: NumberFormat.default('be'),
  /** message: every byte of the message, the length field included; after: only the bytes after the field. */
  counts: z.enum(['message', 'after']).default('message'),
});
export type LengthField = z.output<typeof LengthField>;

/** Where the checksum is computed over: bytes `from` up to (not including) `to`, counted from 0; no `to` = to the end. */
export const ChecksumRange = z
  .strictObject({
    from: z
      .number()
      .int('The checksum range must start at a whole byte number.')
      .min(0, 'The checksum range cannot start before byte 0.')
      .max(MAX_SEND_INPUT_CHARS, 'The checksum range starts beyond the longest message.')
      .default(0),
    to: z
      .number()
      .int('The checksum range must end at a whole byte number.')
      .min(1, 'The checksum range must end after byte 0.')
      .max(MAX_SEND_INPUT_CHARS, 'The checksum range ends beyond the longest message.')
      .optional(),
  })
  .refine((range) => range.to === undefined || range.to > range.from, {
    message: 'The checksum range must end after it starts.',
  });
export type ChecksumRange = z.output<typeof ChecksumRange>;

/** Settings of the send-time fields; every send kind (box, repeat, sequence, greeting, rules, presets) has them. */
export const SendFields = z.strictObject({
  counter: CounterField.default({ start: 0, step: 1, width: 1, format: 'be' }),
  length: LengthField.default({ width: 1, format: 'be', counts: 'message' }),
  checksumRange: ChecksumRange.default({ from: 0 }),
});
export type SendFields = z.output<typeof SendFields>;
export type SendFieldsInput = z.input<typeof SendFields>;

/** What an absent `fields` means: a 1-byte big-endian counter from 0 by 1, a 1-byte length, a checksum over everything. */
export const DEFAULT_SEND_FIELDS: SendFields = {
  counter: { start: 0, step: 1, width: 1, format: 'be' },
  length: { width: 1, format: 'be', counts: 'message' },
  checksumRange: { from: 0 },
};

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
  /** Placed where {checksum} is written in the message, else after the data; computed over `fields.checksumRange`. */
  checksum: Checksum.default('none'),
  /** How {counter}, {len} and the checksum range are set up (absent: DEFAULT_SEND_FIELDS); see shared/codec/send-fields.ts for the placeholders. */
  fields: SendFields.optional(),
});
export type SendPayload = z.output<typeof SendPayload>;
export type SendPayloadInput = z.input<typeof SendPayload>;
