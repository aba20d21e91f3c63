import {
  DEFAULT_SEND_FIELDS,
  type CounterField,
  type LengthField,
  type NumberFormat,
  type SendPayload,
} from '../contract/send-payload';
import type { ErrorKey } from '../errors/catalog';
import { failWith } from '../errors/word';
import { ok, type ErrorParams, type Result } from '../result';
import { checksumBytes } from './checksum';
import { textToBytes } from './escapes';
import { parseHex } from './hex';
import { encodeText } from './text';

// Send-time fields: placeholders written {name} in a message (text or hex mode) that are filled in
// at the moment of each send. `{{` is a literal "{"; a "{" that does not start {name} is literal too,
// so JSON such as {"a":1} goes out unchanged.
//
//   {counter}  the send counter (payload.fields.counter: start, step, width 1/2/4, be/le/text)
//   {len}      the message length in bytes, without the line ending (payload.fields.length)
//   {checksum} where the checksum goes (payload.checksum over payload.fields.checksumRange); else at the end
//   {time}     local time as text, "YYYY-MM-DD HH:MM:SS.mmm"
//   {unix}     seconds since 1970-01-01 UTC as decimal text; {unixms} the same in milliseconds
//   {1}…{9}, {match}   regex captures, filled in only where a rule passes them (`captures`)

export const FIELD_NAMES = ['counter', 'len', 'checksum', 'time', 'unix', 'unixms'] as const;
const CAPTURE_NAME = /^(?:[1-9]|match)$/;
const PLACEHOLDER = /\{([A-Za-z0-9_]+)\}/y;
const U32 = 0x1_0000_0000;

export interface FieldValues {
  /** The value {counter} takes in this send; without it, the counter's start. */
  counter?: number;
  /** When the send happens, in ms since the epoch; without it, now. */
  now?: number;
  /** Regex captures a rule matched ({1}…{9}, {match}); bytes as they arrived, or text to encode. */
  captures?: Readonly<Record<string, string | Uint8Array>>;
}

export interface BuiltSend {
  bytes: Uint8Array;
  /** The message has {counter}: the engine advances the session's counter after this send. */
  usesCounter: boolean;
}

type Part =
  { kind: 'bytes'; bytes: Uint8Array } | { kind: 'len'; position: number } | { kind: 'checksum'; position: number };

/** Placeholders keep their braces as parameters: the catalog's templates use braces for their own fields. */
function placeholderError(key: ErrorKey, name: string, position: number, more: ErrorParams = {}): Result<never> {
  const params: ErrorParams = {
    field: `{${name}}`,
    escaped: `{{${name}}`,
    names: FIELD_NAMES.map((n) => `{${n}}`).join(' '),
    at: position + 1,
    ...more,
  };
  return failWith('E_PLACEHOLDER', key, params, { position });
}

/** The counter value after `value`, wrapped to 32 bits so it never loses precision however long a repeat runs. */
export function nextCounterValue(counter: CounterField, value: number): number {
  return (((value + counter.step) % U32) + U32) % U32;
}

/** Whether the message contains {counter} (cheap: no bytes are made). */
export function usesCounter(data: string): boolean {
  return (
    scan(
      data,
      () => undefined,
      (name) => (name === 'counter' ? true : undefined),
    ) === true
  );
}

/**
 * The hex digits of a message with its placeholders blanked out (same length, so positions still point at
 * what was typed): what a hex check as you type should look at. The placeholders are judged at send time.
 */
export function hexDigitsOnly(data: string): string {
  let out = '';
  let last = 0;
  scan(
    data,
    () => undefined,
    (name, position) => {
      out += data.slice(last, position) + ' '.repeat(name.length + 2);
      last = position + name.length + 2;
      return undefined;
    },
  );
  return out + data.slice(last);
}

/** Walk the message: literal runs and placeholder names, each with its position in the typed text. */
function scan<T>(
  data: string,
  onLiteral: (text: string, start: number) => T | undefined,
  onName: (name: string, position: number) => T | undefined,
): T | undefined {
  let runStart = 0;
  let at = data.indexOf('{');
  while (at >= 0) {
    if (data.charCodeAt(at + 1) === 0x7b) {
      // "{{": the run ends with one "{", the next run starts after the second.
      const stop = onLiteral(data.slice(runStart, at + 1), runStart);
      if (stop !== undefined) return stop;
      runStart = at + 2;
      at = data.indexOf('{', runStart);
      continue;
    }
    PLACEHOLDER.lastIndex = at;
    const match = PLACEHOLDER.exec(data);
    if (!match) {
      at = data.indexOf('{', at + 1);
      continue;
    }
    if (at > runStart) {
      const stop = onLiteral(data.slice(runStart, at), runStart);
      if (stop !== undefined) return stop;
    }
    const stop = onName(match[1], at);
    if (stop !== undefined) return stop;
    runStart = at + match[0].length;
    at = data.indexOf('{', runStart);
  }
  if (runStart < data.length || data.length === 0) return onLiteral(data.slice(runStart), runStart);
  return undefined;
}

function numberBytes(
  value: number,
  width: 1 | 2 | 4,
  format: NumberFormat,
  text: (s: string) => Uint8Array,
): Uint8Array {
  if (format === 'text') return text(String(value));
  const out = new Uint8Array(width);
  const wrapped = ((value % U32) + U32) % U32;
  for (let i = 0; i < width; i++) {
    const byte = Math.floor(wrapped / 2 ** (8 * i)) & 0xff;
    out[format === 'le' ? i : width - 1 - i] = byte;
  }
  return out;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** {time}: local time, to the millisecond, in a form that sorts and reads the same everywhere. */
export function formatFieldTime(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1, 2)}-${pad(d.getDate(), 2)} ` +
    `${pad(d.getHours(), 2)}:${pad(d.getMinutes(), 2)}:${pad(d.getSeconds(), 2)}.${pad(d.getMilliseconds(), 3)}`
  );
}

function join(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * The message of one send with every placeholder filled in, the checksum placed and computed over its
 * range, and the line ending appended: exactly the bytes that go on the wire.
 */
export function expandSend(payload: SendPayload, lineEnding: Uint8Array, values: FieldValues = {}): Result<BuiltSend> {
  const { mode, encoding, escapes } = payload;
  const fields = payload.fields ?? DEFAULT_SEND_FIELDS;
  const asText = (text: string): Uint8Array => {
    // In hex mode there is no encoding: field text goes out as ASCII, which every digit is.
    const encoded = mode === 'hex' ? encodeText(text, 'ascii') : encodeText(text, encoding);
    return encoded.ok ? encoded.value : new TextEncoder().encode(text);
  };
  const parts: Part[] = [];
  let problem: Result<never> | undefined;
  let usedCounter = false;
  let lenAt: number | undefined;
  let checksumAt: number | undefined;
  const now = values.now ?? Date.now();

  const stopped = scan(
    payload.data,
    (text, start) => {
      if (text.length === 0) return undefined;
      const bytes = mode === 'hex' ? parseHex(text) : textToBytes(text, encoding, escapes);
      if (!bytes.ok) {
        problem = {
          ok: false,
          error: {
            ...bytes.error,
            ...(bytes.error.position !== undefined ? { position: bytes.error.position + start } : {}),
          },
        };
        return true;
      }
      parts.push({ kind: 'bytes', bytes: bytes.value });
      return undefined;
    },
    (name, position) => {
      switch (name) {
        case 'counter': {
          usedCounter = true;
          const { width, format, start } = fields.counter;
          parts.push({ kind: 'bytes', bytes: numberBytes(values.counter ?? start, width, format, asText) });
          return undefined;
        }
        case 'len':
          if (lenAt !== undefined) {
            problem = placeholderError('placeholder-len-twice', name, position, { first: lenAt + 1 });
            return true;
          }
          lenAt = position;
          parts.push({ kind: 'len', position });
          return undefined;
        case 'checksum':
          if (payload.checksum === 'none') {
            problem = placeholderError('placeholder-checksum-kind', name, position);
            return true;
          }
          if (checksumAt !== undefined) {
            problem = placeholderError('placeholder-checksum-twice', name, position, { first: checksumAt + 1 });
            return true;
          }
          checksumAt = position;
          parts.push({ kind: 'checksum', position });
          return undefined;
        case 'time':
          parts.push({ kind: 'bytes', bytes: asText(formatFieldTime(now)) });
          return undefined;
        case 'unix':
          parts.push({ kind: 'bytes', bytes: asText(String(Math.floor(now / 1000))) });
          return undefined;
        case 'unixms':
          parts.push({ kind: 'bytes', bytes: asText(String(Math.floor(now))) });
          return undefined;
      }
      if (CAPTURE_NAME.test(name)) {
        if (!values.captures) {
          problem = placeholderError('placeholder-capture', name, position);
          return true;
        }
        const captured = values.captures[name] ?? '';
        parts.push({ kind: 'bytes', bytes: typeof captured === 'string' ? asText(captured) : captured });
        return undefined;
      }
      problem = placeholderError('placeholder-unknown', name, position);
      return true;
    },
  );
  if (stopped && problem) return problem;

  const checksumLength = payload.checksum === 'none' ? 0 : checksumBytes(payload.checksum, new Uint8Array(0)).length;
  const placeChecksumAtEnd = payload.checksum !== 'none' && checksumAt === undefined;
  let lenBytes: Uint8Array = new Uint8Array(0);
  if (lenAt !== undefined) {
    const made = lengthBytes(parts, fields.length, checksumLength, placeChecksumAtEnd, asText);
    if (!made.ok) return { ok: false, error: { ...made.error, position: lenAt } };
    lenBytes = made.value;
  }

  // The message without its checksum: what the checksum range counts bytes of.
  const pieces: Uint8Array[] = [];
  let bodyLength = 0;
  let checksumOffset = -1;
  for (const part of parts) {
    if (part.kind === 'checksum') {
      checksumOffset = bodyLength;
      continue;
    }
    const bytes = part.kind === 'len' ? lenBytes : part.bytes;
    pieces.push(bytes);
    bodyLength += bytes.length;
  }
  const body = pieces.length === 1 ? pieces[0] : join(pieces, bodyLength);
  if (payload.checksum === 'none') {
    return ok({
      bytes: lineEnding.length === 0 ? body : join([body, lineEnding], body.length + lineEnding.length),
      usesCounter: usedCounter,
    });
  }
  const { from, to } = fields.checksumRange;
  const end = to ?? body.length;
  if (from > body.length || end > body.length) {
    return failWith('E_PLACEHOLDER', 'checksum-range-beyond', {
      from,
      ...(to === undefined ? {} : { to }),
      length: body.length,
    });
  }
  const sum = checksumBytes(payload.checksum, body.subarray(from, end));
  if (checksumOffset < 0) checksumOffset = body.length;
  const total = body.length + sum.length + lineEnding.length;
  const out = new Uint8Array(total);
  out.set(body.subarray(0, checksumOffset), 0);
  out.set(sum, checksumOffset);
  out.set(body.subarray(checksumOffset), checksumOffset + sum.length);
  out.set(lineEnding, body.length + sum.length);
  return ok({ bytes: out, usesCounter: usedCounter });
}

/** {len}: as decimal text its own width depends on its value, so settle it in a few rounds. */
function lengthBytes(
  parts: Part[],
  length: LengthField,
  checksumLength: number,
  checksumAtEnd: boolean,
  asText: (s: string) => Uint8Array,
): Result<Uint8Array> {
  let after = false;
  let fixed = 0;
  for (const part of parts) {
    if (part.kind === 'len') {
      after = true;
      continue;
    }
    const size = part.kind === 'checksum' ? checksumLength : part.bytes.length;
    if (length.counts === 'message' || after) fixed += size;
  }
  // A checksum at the end always comes after the length field.
  if (checksumAtEnd) fixed += checksumLength;
  let width: number = length.format === 'text' ? 1 : length.width;
  for (let round = 0; round < 4; round++) {
    const value = fixed + (length.counts === 'message' ? width : 0);
    if (length.format === 'text') {
      const bytes = asText(String(value));
      if (bytes.length === width) return ok(bytes);
      width = bytes.length;
      continue;
    }
    const max = 2 ** (8 * length.width) - 1;
    if (value > max) {
      return failWith('E_PLACEHOLDER', length.width > 1 ? 'len-too-wide' : 'len-too-wide-one', {
        placeholder: '{len}',
        value,
        width: length.width,
        max,
      });
    }
    return ok(numberBytes(value, length.width, length.format, asText));
  }
  return ok(asText(String(fixed + width)));
}
