// Which rule answers a message and with what bytes: pure, so the engine, the "try it" box and the
// tests all run exactly the same code. No peer, no socket, no clock.
import { buildPayload } from '../codec/payload';
import { formatHex, parseHex } from '../codec/hex';
import { textToBytes } from '../codec/escapes';
import { decodeText, encodeText } from '../codec/text';
import type { Encoding } from '../codec/options';
import { RULE_SCAN_BYTES, type AutoReplyRule, type RuleSet, type TryAnswer, type TryMessage } from '../contract/rules';
import type { SendPayload } from '../contract/send-payload';
import { ok, type Result } from '../result';
import { CAPTURE_REFERENCE, WILDCARD, compileRegex, parseHexPattern } from './pattern';
import { failWith, wrappedError } from '../errors/word';

/** A captured piece of the message: its bytes, and how it reads in text. */
interface Capture {
  bytes: Uint8Array;
  text: string;
}

type Matcher = (message: MessageView) => Capture[] | undefined;

export interface CompiledRule {
  index: number;
  rule: AutoReplyRule;
  matches: Matcher;
}

export interface CompiledRules {
  set: RuleSet;
  /** Only the enabled rules, in order. */
  enabled: CompiledRule[];
}

export interface RuleAnswer {
  index: number;
  rule: AutoReplyRule;
  bytes: Result<Uint8Array>;
}

/** One message as the rules see it: its bytes, and its text decoded once per encoding a rule asks for. */
class MessageView {
  private readonly decoded = new Map<Encoding, string>();
  /** The part contains and regex look at. */
  readonly scanned: Uint8Array;

  constructor(readonly bytes: Uint8Array) {
    this.scanned = bytes.length > RULE_SCAN_BYTES ? bytes.subarray(0, RULE_SCAN_BYTES) : bytes;
  }

  text(encoding: Encoding): string {
    let text = this.decoded.get(encoding);
    if (text === undefined) this.decoded.set(encoding, (text = decodeText(this.scanned, encoding)));
    return text;
  }
}

function startsWithBytes(haystack: Uint8Array, needle: Uint8Array, at: number): boolean {
  if (at + needle.length > haystack.length) return false;
  for (let i = 0; i < needle.length; i++) if (haystack[at + i] !== needle[i]) return false;
  return true;
}

function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  const first = needle[0];
  const last = haystack.length - needle.length;
  for (let at = haystack.indexOf(first); at !== -1 && at <= last; at = haystack.indexOf(first, at + 1)) {
    if (startsWithBytes(haystack, needle, at)) return at;
  }
  return -1;
}

function captureBytes(text: string, encoding: Encoding): Uint8Array {
  const encoded = encodeText(text, encoding);
  return encoded.ok ? encoded.value : new TextEncoder().encode(text);
}

function compileMatcher(rule: AutoReplyRule): Result<Matcher> {
  const when = rule.when;
  switch (when.kind) {
    case 'exact':
    case 'contains':
    case 'startsWith': {
      const pattern = textToBytes(when.text, when.encoding, when.escapes);
      if (!pattern.ok) return pattern;
      const needle = pattern.value;
      const whole: Capture[] = [{ bytes: needle, text: decodeText(needle, when.encoding) }];
      if (needle.length === 0) return failWith('E_VALIDATION', 'rule-text-empty');
      if (when.kind === 'exact')
        return ok((m) => (m.bytes.length === needle.length && startsWithBytes(m.bytes, needle, 0) ? whole : undefined));
      if (when.kind === 'startsWith') return ok((m) => (startsWithBytes(m.bytes, needle, 0) ? whole : undefined));
      return ok((m) => (indexOfBytes(m.scanned, needle) >= 0 ? whole : undefined));
    }
    case 'regex': {
      const compiled = compileRegex(when.pattern, when.flags);
      if (!compiled.ok) return compiled;
      const { regex } = compiled.value;
      return ok((m) => {
        const found = regex.exec(m.text(when.encoding));
        if (!found) return undefined;
        return found.map((text = '') => ({ text, bytes: captureBytes(text, when.encoding) }));
      });
    }
    case 'hex': {
      const parsed = parseHexPattern(when.pattern);
      if (!parsed.ok) return parsed;
      const { bytes: pattern, captures } = parsed.value;
      return ok((m) => {
        const bytes = m.bytes;
        if (bytes.length < pattern.length || (when.whole && bytes.length !== pattern.length)) return undefined;
        for (let i = 0; i < pattern.length; i++) {
          if (pattern[i] !== WILDCARD && pattern[i] !== bytes[i]) return undefined;
        }
        const matched = bytes.subarray(0, pattern.length);
        return [matched, ...captures.map(([start, end]) => bytes.subarray(start, end))].map((part) => ({
          bytes: part,
          text: formatHex(part, { separator: '' }),
        }));
      });
    }
  }
}

/** Ready to run. The schema has already judged every rule; a rule that still cannot compile says why. */
export function compileRules(set: RuleSet): Result<CompiledRules> {
  const enabled: CompiledRule[] = [];
  for (const [index, rule] of set.rules.entries()) {
    if (!rule.enabled) continue;
    const matches = compileMatcher(rule);
    if (!matches.ok) return { ok: false, error: wrappedError('rule-failed', { rule: rule.name }, matches.error) };
    enabled.push({ index, rule, matches: matches.value });
  }
  return ok({ set, enabled });
}

/**
 * The reply with {match} and {1}…{9} filled in, then built exactly as a send is (escapes, line ending,
 * checksum and whatever else the send side adds). In hex mode a capture goes in as its bytes; in text
 * mode as its text, with backslashes doubled when escapes are on so a capture cannot become an escape.
 */
export function buildReply(
  rule: AutoReplyRule,
  captures: Capture[],
  build: ReplyBuilder = buildPayload,
): Result<Uint8Array> {
  const reply = rule.reply;
  const data = reply.data.replace(CAPTURE_REFERENCE, (_token, which: string) => {
    const capture = captures[which === 'match' ? 0 : Number(which)];
    if (!capture) return '';
    if (reply.mode === 'hex') return ` ${formatHex(capture.bytes)} `;
    return reply.escapes ? capture.text.replace(/\\/g, '\\\\') : capture.text;
  });
  return build({ ...reply, data });
}

/**
 * Makes a reply's bytes from its payload once the captures are in. The engine passes its own, so {counter}
 * advances per reply as it does per send; the "try it" box uses the plain codec (the counter's start value).
 */
export type ReplyBuilder = (payload: SendPayload) => Result<Uint8Array>;

/** The rules that answer this message, in order: at most one with "first", every match with "all". */
export function answerMessage(
  compiled: CompiledRules,
  bytes: Uint8Array,
  build: ReplyBuilder = buildPayload,
): RuleAnswer[] {
  const answers: RuleAnswer[] = [];
  if (compiled.enabled.length === 0) return answers;
  const view = new MessageView(bytes);
  for (const { index, rule, matches } of compiled.enabled) {
    const captures = matches(view);
    if (!captures) continue;
    answers.push({ index, rule, bytes: buildReply(rule, captures, build) });
    if (compiled.set.match === 'first') break;
  }
  return answers;
}

function messageBytes(message: TryMessage): Result<Uint8Array> {
  return message.mode === 'hex' ? parseHex(message.data) : textToBytes(message.data, message.encoding, message.escapes);
}

/** The "try it" box: which rules answer `message` and with what exact bytes. Empty: no rule matches. */
export function tryRules(set: RuleSet, message: TryMessage): Result<{ answers: TryAnswer[] }> {
  const compiled = compileRules(set);
  if (!compiled.ok) return compiled;
  const bytes = messageBytes(message);
  if (!bytes.ok) return bytes;
  const answers = answerMessage(compiled.value, bytes.value).map(({ index, rule, bytes: reply }): TryAnswer => {
    const base = { index, name: rule.name, delayMs: rule.delayMs };
    if (!reply.ok) return { ...base, hex: '', text: '', bytes: 0, error: reply.error };
    const encoding = rule.reply.encoding;
    return {
      ...base,
      hex: formatHex(reply.value),
      text: decodeText(reply.value, encoding),
      bytes: reply.value.length,
    };
  });
  return ok({ answers });
}
