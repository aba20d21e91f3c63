import { z } from 'zod';
import { parseHexPattern, compileRegex, highestCaptureReference } from '../rules/pattern';
// commands.ts refers to this file lazily and this file to SendPayload lazily, so either may load first.
import { SendPayload } from './commands';
import { Encoding, Millis } from './fields';
import { RuleCounter } from './rule-counters';

// Auto-reply rules: the JSON the UI imports and exports, `sockpit --rules FILE` reads and the
// `rules.set` command carries. Versioned, so a later format can still read today's files.

/** A rule sees at most this much of a message (contains, starts with, regex): a flood stays cheap. */
export const RULE_SCAN_BYTES = 16 * 1024;
export const MAX_RULES = 100;
/** A reply may wait this long at most. */
export const MAX_RULE_DELAY_MS = 60_000;
const MAX_PATTERN_CHARS = 4096;
/** A reply's text; the rule set travels whole in commands and exports, so it stays small. */
const MAX_REPLY_CHARS = 64 * 1024;

const PatternText = z
  .string()
  .min(1, 'The text to match is empty.')
  .max(MAX_PATTERN_CHARS, `The text to match can be at most ${MAX_PATTERN_CHARS} characters.`);

const TextMatch = {
  text: PatternText,
  encoding: Encoding.default('utf-8'),
  /** Interpret \r \n \t \\ \0 \xNN in the text, as a send does. */
  escapes: z.boolean().default(false),
};

/**
 * What a message must look like. Text kinds compare the bytes of the text in its encoding; regex runs
 * over the message decoded in its encoding; hex compares bytes, "??" matching any byte, from the
 * first byte of the message: `whole` false (the default) needs the message to start with the pattern,
 * true needs it to be exactly as long.
 */
export const RuleMatcher = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('exact'), ...TextMatch }),
    z.strictObject({ kind: z.literal('contains'), ...TextMatch }),
    z.strictObject({ kind: z.literal('startsWith'), ...TextMatch }),
    z.strictObject({
      kind: z.literal('regex'),
      pattern: PatternText,
      /** Any of i, m, s, u. */
      flags: z.string().max(4).default(''),
      encoding: Encoding.default('utf-8'),
    }),
    z.strictObject({
      kind: z.literal('hex'),
      pattern: PatternText,
      whole: z.boolean().default(false),
    }),
  ],
  { error: 'The match kind must be one of: exact, contains, startsWith, regex, hex.' },
);
export type RuleMatcher = z.output<typeof RuleMatcher>;
export type RuleMatcherKind = RuleMatcher['kind'];
export const RULE_MATCHER_KINDS: readonly RuleMatcherKind[] = ['exact', 'contains', 'startsWith', 'regex', 'hex'];

/** How many captures ({1}…) a matcher offers, or why it is not valid. */
function matcherCaptures(matcher: RuleMatcher): { captures: number } | { problem: string; field: string } {
  if (matcher.kind === 'regex') {
    const compiled = compileRegex(matcher.pattern, matcher.flags);
    return compiled.ok ? { captures: compiled.value.groups } : { problem: compiled.error.message, field: 'pattern' };
  }
  if (matcher.kind === 'hex') {
    const parsed = parseHexPattern(matcher.pattern);
    return parsed.ok ? { captures: parsed.value.captures.length } : { problem: parsed.error.message, field: 'pattern' };
  }
  return { captures: 0 };
}

export const AutoReplyRule = z
  .strictObject({
    name: z.string().trim().min(1, 'A rule needs a name.').max(100, 'A rule name can be at most 100 characters.'),
    enabled: z.boolean().default(true),
    when: RuleMatcher,
    /**
     * Sent to the connection (UDP: the host and port) the message came from. Its text may use {match}
     * and the captures {1}…{9}: in text mode a capture goes in as its text (a hex rule's captures as
     * hex digits, e.g. 006B), in hex mode as its bytes.
     */
    reply: z.lazy(() => SendPayload),
    /** Wait this long before replying. */
    delayMs: Millis(0, MAX_RULE_DELAY_MS).default(0),
  })
  .superRefine((rule, ctx) => {
    const offered = matcherCaptures(rule.when);
    if ('problem' in offered) {
      ctx.addIssue({
        code: 'custom',
        path: ['when', offered.field],
        message: `Rule "${rule.name}": ${offered.problem}`,
      });
      return;
    }
    if (rule.reply.data.length > MAX_REPLY_CHARS) {
      ctx.addIssue({
        code: 'custom',
        path: ['reply', 'data'],
        message: `Rule "${rule.name}": a reply can be at most ${MAX_REPLY_CHARS / 1024} Ki characters.`,
      });
    }
    const highest = highestCaptureReference(rule.reply.data);
    if (highest > offered.captures) {
      const has =
        offered.captures === 0
          ? rule.when.kind === 'hex'
            ? 'its pattern has no ?? bytes to capture'
            : rule.when.kind === 'regex'
              ? 'its regex has no capture groups'
              : `a ${rule.when.kind} match has no captures (use {match}, or a regex with groups)`
          : `its ${rule.when.kind === 'hex' ? 'pattern has' : 'regex has'} only ${offered.captures}`;
      ctx.addIssue({
        code: 'custom',
        path: ['reply', 'data'],
        message: `Rule "${rule.name}": the reply uses {${highest}}, but ${has}.`,
      });
    }
  });
export type AutoReplyRule = z.output<typeof AutoReplyRule>;
export type AutoReplyRuleInput = z.input<typeof AutoReplyRule>;

export const RuleSet = z
  .strictObject({
    version: z.literal(1, { error: 'This rules file is version 1 format: "version": 1.' }),
    /** first: the first enabled rule that matches answers. all: every enabled rule that matches answers, in order. */
    match: z.enum(['first', 'all'], { error: 'The "match" setting is "first" or "all".' }).default('first'),
    rules: z.array(AutoReplyRule).max(MAX_RULES, `A set can hold at most ${MAX_RULES} rules.`),
  })
  .superRefine((set, ctx) => {
    const seen = new Set<string>();
    set.rules.forEach((rule, index) => {
      if (seen.has(rule.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['rules', index, 'name'],
          message: `Two rules are named "${rule.name}": each rule needs its own name, so its count is its own.`,
        });
      }
      seen.add(rule.name);
    });
  });
export type RuleSet = z.output<typeof RuleSet>;
export type RuleSetInput = z.input<typeof RuleSet>;

export const EMPTY_RULE_SET: RuleSet = { version: 1, match: 'first', rules: [] };

export { RuleCounter } from './rule-counters';

export const RulesState = z.object({
  sessionId: z.string(),
  set: RuleSet,
  /** One per rule, in the set's order. */
  counters: z.array(RuleCounter),
  /** Messages left unanswered because too many replies were already waiting to go out. */
  skipped: z.number(),
  /** Goes up by one with every rules.set, so whoever shows the rules can tell its copy is old. */
  revision: z.number(),
});
export type RulesState = z.infer<typeof RulesState>;

/** A message typed into the "try it" box. */
export const TryMessage = z.strictObject({
  mode: z.enum(['text', 'hex']).default('text'),
  data: z.string().max(1024 * 1024, 'A message to try can be at most 1 Mi characters.'),
  encoding: Encoding.default('utf-8'),
  escapes: z.boolean().default(false),
});
export type TryMessage = z.output<typeof TryMessage>;

export const TryAnswer = z.object({
  index: z.number().int(),
  name: z.string(),
  delayMs: z.number(),
  /** The exact reply bytes, as hex ("56 41 4C"); empty when the reply could not be built. */
  hex: z.string(),
  /** The same bytes decoded in the reply's encoding. */
  text: z.string(),
  bytes: z.number(),
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).optional(),
});
export type TryAnswer = z.infer<typeof TryAnswer>;
