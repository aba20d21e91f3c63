import { z } from 'zod';
import { Id } from './fields';
import { SendPayload } from './send-payload';

// Sends the engine repeats or runs in order on its own clock (send.repeat, send.sequence), so a hidden
// tab or a busy window cannot slow them down. Both are "jobs": listed, stopped and reported the same way.

/** An error as every event carries it (events.ts imports this file, so the full schema cannot be imported here). */
const JobError = z.object({ code: z.string(), message: z.string(), hint: z.string().optional() });

export const MAX_INTERVAL_MS = 24 * 3600 * 1000;

const interval = (what: string) =>
  z
    .number({ error: `${what} must be a number of milliseconds.` })
    .int(`${what} must be a whole number of milliseconds.`)
    .min(1, `${what} must be at least 1 ms.`)
    .max(MAX_INTERVAL_MS, `${what} must be at most 24 hours (${MAX_INTERVAL_MS} ms).`);

const pause = (what: string) =>
  z
    .number({ error: `${what} must be a number of milliseconds.` })
    .int(`${what} must be a whole number of milliseconds.`)
    .min(0, `${what} cannot be negative.`)
    .max(MAX_INTERVAL_MS, `${what} must be at most 24 hours (${MAX_INTERVAL_MS} ms).`);

/** How many times: a count, or "forever" (until stopped). */
export const JobTimes = z.union([z.number().int().min(1).max(1_000_000_000), z.literal('forever')], {
  error: 'Times is a whole number from 1 to 1000000000, or "forever".',
});
export type JobTimes = z.infer<typeof JobTimes>;

/** A job ends after this many failed sends in a row, with the last one's error. */
export const MaxFailures = z
  .number()
  .int()
  .min(1, 'Allow at least 1 failed send before stopping.')
  .max(1000, 'At most 1000 failed sends in a row can be allowed.')
  .default(3);

export const RepeatInterval = interval('The interval');

export const SequenceStep = z.strictObject({
  payload: SendPayload,
  /** Pause after this step (after its reply, when it waits for one). */
  delayMs: pause('The delay').default(0),
  /** Wait for a reply (any received data on the session, or on the connection it went to) or this long. */
  waitReplyMs: interval('The reply wait').optional(),
});
export type SequenceStep = z.output<typeof SequenceStep>;
export type SequenceStepInput = z.input<typeof SequenceStep>;

export const JobEnd = z.enum([
  'done', // every repetition or round went out
  'stopped', // send.stop
  'session-stopped', // the session stopped or was removed
  'connection-closed', // the connection the job sends to closed
  'send-failed', // maxFailures sends failed in a row; `endError` says why
  'engine-shutdown',
]);
export type JobEnd = z.infer<typeof JobEnd>;

export const SendJobInfo = z.object({
  jobId: z.string(),
  sessionId: z.string(),
  kind: z.enum(['repeat', 'sequence']),
  state: z.enum(['running', 'finished']),
  /** Repeat: the period. */
  intervalMs: z.number().optional(),
  /** Repeat: repetitions; sequence: rounds through every step. */
  times: JobTimes,
  /** Sends that went out (to at least one destination). */
  sent: z.number(),
  /** Sends that failed, in all. */
  failures: z.number(),
  /** Sequence: the step now running (0-based) and the round (0-based). */
  step: z.number().optional(),
  round: z.number().optional(),
  steps: z.number().optional(),
  /** Wall-clock ms since the epoch. */
  startedAt: z.number(),
  /** When the next send is due (wall-clock ms); absent once finished or while waiting for a reply. */
  nextDueAt: z.number().optional(),
  lastError: JobError.optional(),
  end: JobEnd.optional(),
  /** Why it ended, when a failure ended it. */
  endError: JobError.optional(),
});
export type SendJobInfo = z.infer<typeof SendJobInfo>;

/** send.preview: the exact bytes the next send of this payload would put on the wire. */
export const SendPreview = z.object({
  /** Upper-case hex, bytes separated by spaces. */
  hex: z.string(),
  bytes: z.number(),
  /** The value {counter} takes in that send, when the message has one. */
  counter: z.number().optional(),
});
export type SendPreview = z.infer<typeof SendPreview>;

export { Id as JobId };
