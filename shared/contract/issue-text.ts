import type { z } from 'zod';

// A validation message is read by a person, in a status line or a terminal. Input of any size (a
// 100,000-element array, a 1 MB string, an object with a million unknown fields) must still give a
// message of a few lines, so every part of it is capped here.

/** At most this many characters of a bad value (or a field name) are quoted back. */
export const QUOTED_CHARS = 80;
/** Issues named one by one; the rest are only counted. */
export const ISSUES_SHOWN = 5;
/** The joined message never grows beyond this (plus the short "… and N more problems." ending). */
export const MESSAGE_CHARS = 600;
/** One issue's text never grows beyond this, whatever its message quotes. */
const ISSUE_CHARS = 240;
/** Unknown field names listed in one issue. */
const NAMES_SHOWN = 3;

const count = (n: number) => n.toLocaleString('en-US');

/** The first `limit` characters and how long the text really was; never splits a surrogate pair. */
export function shortened(text: string, limit = QUOTED_CHARS): string {
  if (text.length <= limit) return text;
  let cut = limit;
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--;
  return `${text.slice(0, cut)}… (${count(text.length)} characters)`;
}

/** Quoted values inside a message (`The host "…" contains a space.`) shortened to QUOTED_CHARS each. */
function shortenQuotes(message: string): string {
  return message.replace(/"([^"]*)"/g, (quoted, inner: string) =>
    inner.length > QUOTED_CHARS ? `"${shortened(inner)}"` : quoted,
  );
}

function issuePath(path: readonly PropertyKey[]): string {
  return path
    .map((part) => (typeof part === 'number' ? `[${part}]` : shortened(String(part))))
    .join('.')
    .replace(/\.\[/g, '[');
}

function issueText(issue: z.core.$ZodIssue): string {
  let message: string;
  if (issue.code === 'unrecognized_keys') {
    // Zod lists every unknown key in full; name a few, shortened, and count the rest.
    const names = issue.keys.slice(0, NAMES_SHOWN).map((key) => `"${shortened(key)}"`);
    const more = issue.keys.length - names.length;
    const noun = issue.keys.length === 1 ? 'Unrecognized key' : 'Unrecognized keys';
    message = `${noun}: ${names.join(', ')}${more > 0 ? ` and ${count(more)} more` : ''}`;
  } else {
    message = shortenQuotes(issue.message);
  }
  const where = issuePath(issue.path);
  const text = where ? `${where}: ${message}` : message;
  return text.length > ISSUE_CHARS ? `${text.slice(0, ISSUE_CHARS - 1)}…` : text;
}

/**
 * The issues of a failed validation in plain words: the first few, each naming its field, and how many
 * more there are, capped at about MESSAGE_CHARS characters whatever the input was.
 */
export function formatIssueList(issues: readonly z.core.$ZodIssue[]): string {
  const lines: string[] = [];
  let length = 0;
  for (const issue of issues) {
    if (lines.length === ISSUES_SHOWN) break;
    const text = issueText(issue);
    if (lines.length > 0 && length + 1 + text.length > MESSAGE_CHARS) break;
    lines.push(text);
    length += text.length + 1;
  }
  const more = issues.length - lines.length;
  if (more > 0) lines.push(`… and ${count(more)} more ${more === 1 ? 'problem' : 'problems'}.`);
  return lines.join(' ');
}

/**
 * What was thrown, as text, without throwing again: a command object can be a Proxy or carry getters
 * that throw anything, including values whose own `message` or `toString` throws.
 */
export function describeThrown(thrown: unknown): string {
  try {
    if (thrown instanceof Error) return shortened(String(thrown.message), ISSUE_CHARS);
    return shortened(String(thrown), ISSUE_CHARS);
  } catch {
    return 'something that cannot be shown as text';
  }
}
