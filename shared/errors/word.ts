import type { ErrorCode, ErrorParams, Result, SockpitError } from '../result';
import { ERROR_CATALOG, isErrorKey, type ErrorKey, type ErrorText } from './catalog';

// Turning a catalog key and its parameters into words, in either language. Pure: the engine, the CLI and
// the renderer all use it, so an error reads the same wherever it is worded.

export type ErrorLanguage = 'en' | 'zh-CN';

/** References nest (a wrapped error inside "Step 2: …"); a loop in the catalog must not hang anyone. */
const MAX_DEPTH = 4;

const PLACEHOLDER = /\{(@?)(\??)([\w]+)(\|lc|\|trim|#hint)?(?:\?([^}]*))?\}/g;
const SEGMENT = /\[\[(.*?)\]\]/g;
/** Marks a placeholder that came out empty, so the [[ … ]] part around it is left out. */
const MISSING = '\u0000';

function textsOf(key: string, language: ErrorLanguage): ErrorText | undefined {
  if (!isErrorKey(key)) return undefined;
  const entry = ERROR_CATALOG[key];
  return language === 'zh-CN' ? entry.zh : entry.en;
}

function valueOf(params: ErrorParams, name: string): string {
  const v = params[name];
  return v === undefined ? '' : String(v);
}

function fillPlaceholders(template: string, params: ErrorParams, language: ErrorLanguage, depth: number): string[] {
  // Returns the rendered pieces, so a segment can tell whether any of them came out empty.
  const pieces: string[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const [whole, ref, conditionOnly, name, modifier, fallback] = match;
    pieces.push(template.slice(last, match.index));
    last = match.index + whole.length;
    let value: string;
    if (ref) {
      const texts = depth < MAX_DEPTH ? textsOf(valueOf(params, name!), language) : undefined;
      const part = modifier === '#hint' ? texts?.hint : texts?.message;
      value = part ? fill(part, params, language, depth + 1) : '';
      if (modifier === '|lc') value = value.charAt(0).toLowerCase() + value.slice(1);
      if (modifier === '|trim') value = value.replace(/[.\u3002]$/, '');
    } else if (conditionOnly) {
      // {?name}: shows nothing, only keeps its segment when the parameter has a value.
      pieces.push('');
      if (valueOf(params, name!) === '') return [...pieces, MISSING];
      continue;
    } else {
      value = valueOf(params, name!);
      if (value === '' && fallback !== undefined) value = fallback;
    }
    pieces.push(value === '' ? MISSING : value);
  }
  pieces.push(template.slice(last));
  return pieces;
}

function plain(pieces: string[]): string {
  return pieces.map((piece) => (piece === MISSING ? '' : piece)).join('');
}

/** One pass over the template, so a value that happens to contain braces is never read as a placeholder. */
function fill(template: string, params: ErrorParams, language: ErrorLanguage, depth: number): string {
  let out = '';
  let last = 0;
  for (const match of template.matchAll(SEGMENT)) {
    out += plain(fillPlaceholders(template.slice(last, match.index), params, language, depth));
    const pieces = fillPlaceholders(match[1]!, params, language, depth);
    if (!pieces.includes(MISSING)) out += pieces.join('');
    last = match.index + match[0].length;
  }
  return out + plain(fillPlaceholders(template.slice(last), params, language, depth));
}

/** A catalog entry's message and hint, worded in `language`; undefined for a key the catalog lacks. */
export function wordKey(key: string, params: ErrorParams, language: ErrorLanguage): ErrorText | undefined {
  const texts = textsOf(key, language);
  if (!texts) return undefined;
  const message = fill(texts.message, params, language, 0);
  const hint = texts.hint !== undefined ? fill(texts.hint, params, language, 0) : undefined;
  return hint ? { message, hint } : { message };
}

/**
 * An error's message and hint in `language`: from its key and params when the catalog knows the key,
 * else the English it came with (an older engine, or an error nobody has worded yet).
 */
export function wordError(error: SockpitError, language: ErrorLanguage): ErrorText {
  if (language !== 'en' && error.key) {
    const worded = wordKey(error.key, error.params ?? {}, language);
    if (worded) return worded;
  }
  return error.hint ? { message: error.message, hint: error.hint } : { message: error.message };
}

/** "message hint" in one line, for places with room for one string (a log row, a banner). */
export function errorLine(error: SockpitError, language: ErrorLanguage): string {
  const { message, hint } = wordError(error, language);
  return hint ? `${message} ${hint}` : message;
}

/** A SockpitError worded in English from the catalog, carrying its key and params for other languages. */
export function keyedError(
  code: ErrorCode,
  key: ErrorKey,
  params: ErrorParams = {},
  extra: Omit<SockpitError, 'code' | 'message' | 'key' | 'params'> = {},
): SockpitError {
  const worded = wordKey(key, params, 'en')!;
  const out: SockpitError = { code, message: worded.message, ...extra, key, params };
  if (worded.hint && extra.hint === undefined) out.hint = worded.hint;
  return out;
}

/** `fail(…)` with the words from the catalog. */
export function failWith<T = never>(
  code: ErrorCode,
  key: ErrorKey,
  params: ErrorParams = {},
  extra: Omit<SockpitError, 'code' | 'message' | 'key' | 'params'> = {},
): Result<T> {
  return { ok: false, error: keyedError(code, key, params, extra) };
}

/**
 * An error that wraps another ("Step 2: …", "The greeting was not sent: …"): the wrapper's key with the
 * inner error's key and params, so both parts are worded in the reader's language. An inner error without a
 * key is carried as its English words (the catalog's `raw` entry).
 */
export function wrappedError(key: ErrorKey, params: ErrorParams, inner: SockpitError): SockpitError {
  const innerParams: ErrorParams = inner.key
    ? { ...(inner.params ?? {}), inner: inner.key }
    : { inner: 'raw', rawMessage: inner.message, rawHint: inner.hint ?? '' };
  const { code, message: _message, hint: _hint, key: _key, params: _params, ...rest } = inner;
  return keyedError(code, key, { ...innerParams, ...params }, rest);
}
