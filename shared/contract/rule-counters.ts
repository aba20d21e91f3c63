import { z } from 'zod';

// Kept apart from rules.ts so events.ts can use it without importing the rule schemas (and, through
// them, commands.ts, which imports events.ts).

export const RuleCounter = z.object({
  name: z.string(),
  /** Messages it answered (or tried to). */
  fired: z.number(),
  /** Replies that could not be built or sent. */
  failed: z.number(),
  /** Wall-clock ms since the epoch; null until it first fires. */
  lastFiredAt: z.number().nullable(),
});
export type RuleCounter = z.infer<typeof RuleCounter>;
