import { formatHex, parseHex } from '../../../shared/codec/hex';
import { textToBytes } from '../../../shared/codec/escapes';
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  FramingSpec,
  MAX_IDLE_GAP_MS,
  MAX_MAX_MESSAGE_BYTES,
  type FramingMode,
} from '../../../shared/contract/framing';

export { FRAMING_MODES, type FramingMode, type FramingSpec } from '../../../shared/contract/framing';

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

/** Longest header offset of a length field, as the contract allows. */
const MAX_LENGTH_OFFSET = 1024;
const MAX_ADJUSTMENT = 65536;

export type DraftField = 'delimiter' | 'fixedLength' | 'lengthOffset' | 'lengthAdjustment' | 'idleGapMs';
/** What is wrong with a field, as a key of the dictionary and its values. */
export interface DraftProblem {
  field: DraftField;
  key: 'framing.delimiterError' | 'framing.numberError' | 'framing.specError';
  values: Record<string, string | number>;
}

export type DraftResult = { ok: true; framing: FramingSpec } | { ok: false; problem: DraftProblem };

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
  const input = draftInput(draft);
  if ('problem' in input) return { ok: false, problem: input.problem };
  // The contract has the last word, as it does for the engine and the CLI.
  const checked = FramingSpec.safeParse(input.spec);
  if (!checked.success) {
    const field: DraftField = draft.mode === 'delimiter' ? 'delimiter' : 'fixedLength';
    return {
      ok: false,
      problem: { field, key: 'framing.specError', values: { message: checked.error.issues[0]?.message ?? '' } },
    };
  }
  return { ok: true, framing: checked.data };
}

function draftInput(draft: FramingDraft): { spec: unknown } | { problem: DraftProblem } {
  switch (draft.mode) {
    case 'delimiter': {
      const parsed = parseDelimiter(draft.delimiter);
      if (!parsed.ok)
        return { problem: { field: 'delimiter', key: 'framing.delimiterError', values: { message: parsed.message } } };
      return { spec: { mode: 'delimiter', delimiter: formatHex(parsed.bytes), keep: draft.keepDelimiter } };
    }
    case 'fixed': {
      const length = whole(draft.fixedLength, 'fixedLength', 1, MAX_MAX_MESSAGE_BYTES);
      return length.ok ? { spec: { mode: 'fixed', length: length.value } } : length;
    }
    case 'length-field': {
      const offset = whole(draft.lengthOffset, 'lengthOffset', 0, MAX_LENGTH_OFFSET);
      if (!offset.ok) return offset;
      const adjust = whole(draft.lengthAdjustment, 'lengthAdjustment', -MAX_ADJUSTMENT, MAX_ADJUSTMENT);
      if (!adjust.ok) return adjust;
      return {
        spec: {
          mode: 'length-field',
          offset: offset.value,
          size: Number(draft.lengthSize),
          endian: draft.lengthEndian,
          includesHeader: draft.lengthIncludesHeader,
          adjust: adjust.value,
        },
      };
    }
    case 'idle-gap': {
      const gap = whole(draft.idleGapMs, 'idleGapMs', 1, MAX_IDLE_GAP_MS);
      return gap.ok ? { spec: { mode: 'idle-gap', gapMs: gap.value } } : gap;
    }
    default:
      return { spec: { mode: draft.mode } };
  }
}

/** The controls as they show a framing set elsewhere (the session's config, from the CLI or the engine). */
export function draftFromSpec(spec: FramingSpec): FramingDraft {
  const draft: FramingDraft = { ...DEFAULT_FRAMING_DRAFT, mode: spec.mode };
  switch (spec.mode) {
    case 'delimiter': {
      const bytes = parseHex(spec.delimiter);
      return { ...draft, delimiter: bytes.ok ? formatHex(bytes.value) : spec.delimiter, keepDelimiter: spec.keep };
    }
    case 'fixed':
      return { ...draft, fixedLength: String(spec.length) };
    case 'length-field':
      return {
        ...draft,
        lengthOffset: String(spec.offset),
        lengthSize: String(spec.size) as FramingDraft['lengthSize'],
        lengthEndian: spec.endian,
        lengthIncludesHeader: spec.includesHeader,
        lengthAdjustment: String(spec.adjust),
      };
    case 'idle-gap':
      return { ...draft, idleGapMs: String(spec.gapMs) };
    default:
      return draft;
  }
}

/** The most a partial message of `spec` may hold before it is given up on, as the engine's framer counts. */
export function maxBytesOf(spec: FramingSpec): number {
  return 'maxBytes' in spec ? spec.maxBytes : DEFAULT_MAX_MESSAGE_BYTES;
}

/** A string that is equal for equal framings: the view re-splits its history only when it changes. */
export function framingKey(framing: FramingSpec): string {
  return JSON.stringify(framing);
}
