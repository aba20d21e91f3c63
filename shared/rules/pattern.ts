// The parts of a rule that need more than a schema to check: hex patterns with wildcards, regular
// expressions and capture references. The contract uses these to refuse a bad rule with a clear reason;
// the matcher uses the same functions, so what was accepted is exactly what runs.
import { ok, type Result } from '../result';
import { failWith } from '../errors/word';

/** A byte value 0–255, or WILDCARD for "??". */
export const WILDCARD = -1;

export interface HexPattern {
  bytes: Int16Array;
  /** Each run of consecutive "??" is one capture, {1}, {2}, … in order: [start, end) in the pattern. */
  captures: Array<[number, number]>;
}

const HEX_PAIR = /^[0-9A-Fa-f]{2}$/;

/**
 * "01 03 ?? ?? 00 01", also written without spaces ("0103????0001"): every two characters are a byte in
 * hex or "??" for any byte. A lone "?" or half a byte ("0?") is refused: a wildcard stands for a whole byte.
 */
export function parseHexPattern(text: string): Result<HexPattern> {
  const tokens = text.trim() === '' ? [] : text.trim().split(/[\s,]+/);
  const values: number[] = [];
  for (const token of tokens) {
    if (token.length % 2 !== 0) {
      return failWith('E_HEX', 'rule-hex-not-whole', { token });
    }
    for (let i = 0; i < token.length; i += 2) {
      const pair = token.slice(i, i + 2);
      if (pair === '??') values.push(WILDCARD);
      else if (HEX_PAIR.test(pair)) values.push(parseInt(pair, 16));
      else return failWith('E_HEX', 'rule-hex-not-byte', { pair, token });
    }
  }
  if (values.length === 0) return failWith('E_HEX', 'rule-hex-empty');
  const captures: Array<[number, number]> = [];
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== WILDCARD) continue;
    const start = i;
    while (i + 1 < values.length && values[i + 1] === WILDCARD) i++;
    captures.push([start, i + 1]);
  }
  return ok({ bytes: Int16Array.from(values), captures });
}

/** Flags a rule's regex may use; "g" and "y" would make one message's match depend on the previous one. */
export const REGEX_FLAGS = /^[imsu]*$/;

export function compileRegex(pattern: string, flags: string): Result<{ regex: RegExp; groups: number }> {
  if (!REGEX_FLAGS.test(flags) || new Set(flags).size !== flags.length) {
    return failWith('E_VALIDATION', 'rule-regex-flags', { flags });
  }
  if (pattern === '') return failWith('E_VALIDATION', 'rule-regex-empty');
  try {
    const regex = new RegExp(pattern, flags);
    // An alternative that matches the empty string reveals how many groups the pattern has.
    const groups = (new RegExp(`(?:${pattern})|`, flags).exec('')?.length ?? 1) - 1;
    return ok({ regex, groups });
  } catch (err) {
    const reason = err instanceof Error ? err.message.replace(/^Invalid regular expression: /, '') : String(err);
    return failWith('E_VALIDATION', 'rule-regex-invalid', { pattern, flags, reason });
  }
}

/** {1}…{9} and {match} in a reply; anything else in braces (the send side's fields) is left alone. */
export const CAPTURE_REFERENCE = /\{([1-9]|match)\}/g;

/** The highest {n} a reply refers to; 0 when it uses none. */
export function highestCaptureReference(text: string): number {
  let highest = 0;
  for (const found of text.matchAll(CAPTURE_REFERENCE)) {
    if (found[1] !== 'match') highest = Math.max(highest, Number(found[1]));
  }
  return highest;
}
