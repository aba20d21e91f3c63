import { parseHex } from '../../../shared/codec/hex';
import { textToBytes } from '../../../shared/codec/escapes';

/** Every way the log can cut a connection's bytes into messages. `per-read` is today's: one read, one row. */
export const FRAMING_MODES = [
  'per-read',
  'line',
  'json-lines',
  'delimiter',
  'fixed',
  'length-field',
  'idle-gap',
  'modbus-rtu',
  'modbus-tcp',
] as const;
export type FramingMode = (typeof FRAMING_MODES)[number];

/** A framing the view applies, checked and ready: what the splitters are built from. */
export type ViewFraming =
  | { mode: 'per-read' | 'line' | 'json-lines' | 'modbus-rtu' | 'modbus-tcp' }
  | { mode: 'delimiter'; delimiter: Uint8Array; keep: boolean }
  | { mode: 'fixed'; length: number }
  | {
      mode: 'length-field';
      offset: number;
      size: 1 | 2 | 4;
      endian: 'be' | 'le';
      includesHeader: boolean;
      adjustment: number;
    }
  | { mode: 'idle-gap'; gapMs: number };

/** The framing controls as typed: strings, so a half-typed number is an error under its field, not lost. */
export interface FramingDraft {
  mode: FramingMode;
  delimiter: string;
  keepDelimiter: boolean;
  fixedLength: string;
  lengthOffset: string;
  lengthSize: '1' | '2' | '4';
  lengthEndian: 'be' | 'le';
  lengthIncludesHeader: boolean;
  lengthAdjustment: string;
  idleGapMs: string;
}

export const DEFAULT_FRAMING_DRAFT: FramingDraft = {
  mode: 'per-read',
  delimiter: '\\n',
  keepDelimiter: false,
  fixedLength: '16',
  lengthOffset: '0',
  lengthSize: '2',
  lengthEndian: 'be',
  lengthIncludesHeader: false,
  lengthAdjustment: '0',
  idleGapMs: '50',
};

/** Longest fixed or length-field message the view accepts; longer ones are "impossible length". */
export const MAX_MESSAGE_BYTES = 1 << 20;
/** Longest header offset of a length field: the header bytes are kept per connection until it is complete. */
export const MAX_LENGTH_OFFSET = 1024;
/** Bytes a delimiter or line may wait for before what came is shown as a bad message (memory stays bounded). */
export const MAX_PENDING_BYTES = 1 << 20;

export type DraftField = 'delimiter' | 'fixedLength' | 'lengthOffset' | 'lengthAdjustment' | 'idleGapMs';
/** What is wrong with a field, as a key of the dictionary and its values. */
export interface DraftProblem {
  field: DraftField;
  key: 'framing.delimiterError' | 'framing.numberError';
  values: Record<string, string | number>;
}

export type DraftResult = { ok: true; framing: ViewFraming } | { ok: false; problem: DraftProblem };

function whole(
  text: string,
  field: DraftField,
  min: number,
  max: number,
): { ok: true; value: number } | { ok: false; problem: DraftProblem } {
  const trimmed = text.trim();
  const value = /^[-+]?\d+$/.test(trimmed) ? Number(trimmed) : NaN;
  if (Number.isSafeInteger(value) && value >= min && value <= max) return { ok: true, value };
  return { ok: false, problem: { field, key: 'framing.numberError', values: { min, max } } };
}

/**
 * The delimiter box takes hex bytes ("0D 0A", "0x7E") or, as soon as it holds a backslash, text with
 * escapes ("\r\n", "END\n"): a person pastes either, and the backslash is what tells them apart.
 */
export function parseDelimiter(text: string): { ok: true; bytes: Uint8Array } | { ok: false; message: string } {
  // An empty message stands for "empty", which the view says in the person's language.
  if (text.trim() === '') return { ok: false, message: '' };
  const parsed = text.includes('\\') ? textToBytes(text, 'utf-8', true) : parseHex(text);
  // The codec's sentence ends the clause the error line continues.
  if (!parsed.ok) return { ok: false, message: parsed.error.message.replace(/\.$/, '') };
  if (parsed.value.byteLength === 0) return { ok: false, message: '' };
  if (parsed.value.byteLength > 64) return { ok: false, message: 'it is longer than 64 bytes' };
  return { ok: true, bytes: parsed.value };
}

export function parseFramingDraft(draft: FramingDraft): DraftResult {
  switch (draft.mode) {
    case 'delimiter': {
      const parsed = parseDelimiter(draft.delimiter);
      if (!parsed.ok)
        return {
          ok: false,
          problem: { field: 'delimiter', key: 'framing.delimiterError', values: { message: parsed.message } },
        };
      return { ok: true, framing: { mode: 'delimiter', delimiter: parsed.bytes, keep: draft.keepDelimiter } };
    }
    case 'fixed': {
      const length = whole(draft.fixedLength, 'fixedLength', 1, MAX_MESSAGE_BYTES);
      return length.ok ? { ok: true, framing: { mode: 'fixed', length: length.value } } : length;
    }
    case 'length-field': {
      const offset = whole(draft.lengthOffset, 'lengthOffset', 0, MAX_LENGTH_OFFSET);
      if (!offset.ok) return offset;
      const adjustment = whole(draft.lengthAdjustment, 'lengthAdjustment', -MAX_MESSAGE_BYTES, MAX_MESSAGE_BYTES);
      if (!adjustment.ok) return adjustment;
      return {
        ok: true,
        framing: {
          mode: 'length-field',
          offset: offset.value,
          size: Number(draft.lengthSize) as 1 | 2 | 4,
          endian: draft.lengthEndian,
          includesHeader: draft.lengthIncludesHeader,
          adjustment: adjustment.value,
        },
      };
    }
    case 'idle-gap': {
      const gap = whole(draft.idleGapMs, 'idleGapMs', 1, 3_600_000);
      return gap.ok ? { ok: true, framing: { mode: 'idle-gap', gapMs: gap.value } } : gap;
    }
    default:
      return { ok: true, framing: { mode: draft.mode } };
  }
}

/** A string that is equal for equal framings: the view re-splits its history only when it changes. */
export function framingKey(framing: ViewFraming): string {
  switch (framing.mode) {
    case 'delimiter':
      return `delimiter:${Array.from(framing.delimiter, (b) => b.toString(16).padStart(2, '0')).join('')}:${framing.keep ? 'keep' : 'strip'}`;
    case 'fixed':
      return `fixed:${framing.length}`;
    case 'length-field':
      return `length:${framing.offset}:${framing.size}:${framing.endian}:${framing.includesHeader ? 'incl' : 'excl'}:${framing.adjustment}`;
    case 'idle-gap':
      return `idle:${framing.gapMs}`;
    default:
      return framing.mode;
  }
}
