// Numbers out of messages, for value charts. Pure: no DOM, no store, so the same code can run over per-read rows
// today and over framed messages once the log has them, and be tested in plain Node.

export const BINARY_TYPES = ['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'float32'] as const;
export type BinaryType = (typeof BINARY_TYPES)[number];
export type Endianness = 'big' | 'little';

const SIZE: Record<BinaryType, number> = { int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, float32: 4 };

/** The largest offset a binary field may start at: far past any message a chart would read. */
export const MAX_OFFSET = 1 << 20;
/** Matches one series takes from one message at most: a runaway pattern over a huge read stays bounded. */
export const MAX_MATCHES_PER_MESSAGE = 1000;

/** What a person typed for one series, as text, before it is checked. */
export type ExtractorSpec =
  | { kind: 'regex'; pattern: string }
  | { kind: 'binary'; offset: string; type: BinaryType; endian: Endianness; scale: string };

/** Why a spec cannot be used: a key of the words dictionary (under `chart.error.`) and what to fill in. */
export interface ExtractorProblem {
  field: 'pattern' | 'offset' | 'scale';
  problem: 'patternEmpty' | 'patternInvalid' | 'patternNoGroup' | 'offsetInvalid' | 'scaleInvalid';
  detail?: string;
}

export interface Extractor {
  /** Appends every number this extractor finds in one message to `out`, in order. */
  collect(bytes: Uint8Array, text: string, out: number[]): void;
  /** The same as a new array: empty when it finds none. */
  values(bytes: Uint8Array, text: string): number[];
  /** True when it reads the decoded text (so a caller decodes only when someone needs it). */
  readonly needsText: boolean;
}

function extractor(needsText: boolean, collect: Extractor['collect']): Extractor {
  return {
    needsText,
    collect,
    values(bytes, text) {
      const out: number[] = [];
      collect(bytes, text, out);
      return out;
    },
  };
}

export type CompileResult = { ok: true; extractor: Extractor } | { ok: false; problem: ExtractorProblem };

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A captured piece of text as a number, or NaN: "", "0x10" and "1,5" are not numbers here. */
export function parseNumber(text: string): number {
  const trimmed = text.trim();
  return NUMBER.test(trimmed) ? Number(trimmed) : NaN;
}

export function compileExtractor(spec: ExtractorSpec): CompileResult {
  return spec.kind === 'regex' ? compileRegex(spec.pattern) : compileBinary(spec);
}

function compileRegex(pattern: string): CompileResult {
  if (pattern === '') return { ok: false, problem: { field: 'pattern', problem: 'patternEmpty' } };
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, 'g');
  } catch (err) {
    return {
      ok: false,
      problem: {
        field: 'pattern',
        problem: 'patternInvalid',
        detail: err instanceof Error ? err.message : String(err),
      },
    };
  }
  // An alternative that matches the empty string makes every pattern match it; what comes back counts its groups.
  const groups = new RegExp(`${pattern}|`).exec('')!.length - 1;
  if (groups < 1) return { ok: false, problem: { field: 'pattern', problem: 'patternNoGroup' } };
  return {
    ok: true,
    extractor: extractor(true, (_bytes, text, out) => {
      regex.lastIndex = 0;
      let taken = 0;
      for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
        // A match of nothing would find itself again at the same place for ever.
        if (match[0] === '') regex.lastIndex++;
        const value = parseNumber(match[1] ?? '');
        if (!Number.isNaN(value)) out.push(value);
        if (++taken >= MAX_MATCHES_PER_MESSAGE) break;
      }
    }),
  };
}

function compileBinary(spec: Extract<ExtractorSpec, { kind: 'binary' }>): CompileResult {
  const offset = Number(spec.offset.trim());
  if (spec.offset.trim() === '' || !Number.isInteger(offset) || offset < 0 || offset > MAX_OFFSET)
    return { ok: false, problem: { field: 'offset', problem: 'offsetInvalid', detail: String(MAX_OFFSET) } };
  const scale = spec.scale.trim() === '' ? 1 : parseNumber(spec.scale);
  if (!Number.isFinite(scale)) return { ok: false, problem: { field: 'scale', problem: 'scaleInvalid' } };
  const size = SIZE[spec.type];
  const little = spec.endian === 'little';
  return {
    ok: true,
    // A message too short for the field has no value: it is not a zero.
    extractor: extractor(false, (bytes, _text, out) => {
      if (offset + size <= bytes.byteLength) out.push(readField(bytes, offset, spec.type, little) * scale);
    }),
  };
}

export function readField(bytes: Uint8Array, offset: number, type: BinaryType, little: boolean): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (type) {
    case 'int8':
      return view.getInt8(offset);
    case 'uint8':
      return view.getUint8(offset);
    case 'int16':
      return view.getInt16(offset, little);
    case 'uint16':
      return view.getUint16(offset, little);
    case 'int32':
      return view.getInt32(offset, little);
    case 'uint32':
      return view.getUint32(offset, little);
    case 'float32':
      return view.getFloat32(offset, little);
  }
}

/**
 * The chart rows one message gives: row k holds the k-th value each extractor found (NaN where it found
 * fewer), all at the message's time. A line "T=21.5 T=21.7" gives two rows; a message no extractor
 * understands gives none. Each row is [timeUs, value of series 0, value of series 1, …]. One per chart:
 * it reuses its arrays, so a flood of messages allocates nothing here.
 */
export class RowExtractor {
  private readonly found: number[][];
  private readonly row: Float64Array;
  readonly needsText: boolean;

  constructor(private readonly extractors: readonly Extractor[]) {
    this.found = extractors.map(() => []);
    this.row = new Float64Array(1 + extractors.length);
    this.needsText = extractors.some((one) => one.needsText);
  }

  /** Calls `emit` once per row; the row is reused between calls, so `emit` copies what it keeps. */
  rows(bytes: Uint8Array, text: string, timeUs: number, emit: (row: Float64Array) => void): number {
    let count = 0;
    for (let e = 0; e < this.extractors.length; e++) {
      const found = this.found[e]!;
      found.length = 0;
      this.extractors[e]!.collect(bytes, text, found);
      if (found.length > count) count = found.length;
    }
    const row = this.row;
    row[0] = timeUs;
    for (let k = 0; k < count; k++) {
      for (let e = 0; e < this.found.length; e++) {
        const found = this.found[e]!;
        row[e + 1] = k < found.length ? found[k]! : NaN;
      }
      emit(row);
    }
    return count;
  }
}

/** `RowExtractor.rows` as fresh arrays, for one message. */
export function extractRows(
  extractors: readonly Extractor[],
  bytes: Uint8Array,
  text: string,
  timeUs: number,
): number[][] {
  const rows: number[][] = [];
  new RowExtractor(extractors).rows(bytes, text, timeUs, (row) => rows.push(Array.from(row)));
  return rows;
}
