import { fail, ok, type Result } from '../result';
import { formatHex, parseHex } from '../codec/hex';
import { DEFAULT_MAX_MESSAGE_BYTES, FramingSpec, type FramingSpecInput } from '../contract/framing';

// The one-line text form of a framing, as `sockpit --frame SPEC` takes it and a label shows it:
//   per-read | line | json-lines | modbus-rtu | modbus-tcp
//   delimiter:HEX[:keep]                          delimiter:0A, delimiter:0D0A:keep
//   fixed:LENGTH                                  fixed:16
//   length:OFFSET:SIZE[:be|le][:incl][:ADJUST]    length:0:2, length:2:4:le:incl:-4
//   idle:MS                                       idle:50
// Modes that hold a partial message also take max=BYTES (e.g. line:max=1024).

export const FRAMING_TEXT_HELP =
  'per-read, line, json-lines, modbus-rtu, modbus-tcp, delimiter:HEX[:keep], fixed:LENGTH, length:OFFSET:SIZE[:be|le][:incl][:ADJUST], idle:MS; add :max=BYTES to cap a partial message';

function problem(message: string): Result<never> {
  return fail('E_VALIDATION', message, { hint: `A framing is one of: ${FRAMING_TEXT_HELP}.` });
}

const INTEGER = /^[+-]?\d+$/;

/** Parse and validate the text form; the contract's schema has the last word on every value. */
export function parseFramingText(text: string): Result<FramingSpec> {
  const parts = text.trim().split(':');
  const head = parts[0].toLowerCase();
  const rest: string[] = [];
  let maxBytes: number | undefined;
  for (const part of parts.slice(1)) {
    const max = /^max=(.*)$/i.exec(part);
    if (!max) {
      rest.push(part);
      continue;
    }
    if (!/^\d+$/.test(max[1])) return problem(`"${part}": max= needs a whole number of bytes.`);
    maxBytes = Number(max[1]);
  }
  let input: Record<string, unknown>;
  switch (head) {
    case 'per-read':
    case 'line':
    case 'json-lines':
    case 'modbus-rtu':
    case 'modbus-tcp':
      if (rest.length > 0) return problem(`"${head}" takes no values (got "${rest.join(':')}").`);
      input = { mode: head };
      break;
    case 'delimiter': {
      if (rest.length === 0 || rest[0] === '')
        return problem('delimiter needs the delimiter in hex, e.g. delimiter:0A or delimiter:0D0A.');
      const flags = rest.slice(1);
      if (flags.some((flag) => flag.toLowerCase() !== 'keep'))
        return problem(`delimiter:HEX takes only ":keep" after it (got "${flags.join(':')}").`);
      input = { mode: 'delimiter', delimiter: rest[0], keep: flags.length > 0 };
      break;
    }
    case 'fixed':
      if (rest.length !== 1 || !INTEGER.test(rest[0]))
        return problem('fixed needs one whole number of bytes, e.g. fixed:16.');
      input = { mode: 'fixed', length: Number(rest[0]) };
      break;
    case 'length':
    case 'length-field': {
      if (rest.length < 2 || !INTEGER.test(rest[0]) || !INTEGER.test(rest[1]))
        return problem('length needs the field offset and size in bytes, e.g. length:0:2 or length:2:4:le:incl:-4.');
      input = { mode: 'length-field', offset: Number(rest[0]), size: Number(rest[1]) };
      for (const option of rest.slice(2)) {
        const lower = option.toLowerCase();
        if (lower === 'be' || lower === 'le') input.endian = lower;
        else if (lower === 'incl') input.includesHeader = true;
        else if (INTEGER.test(option)) input.adjust = Number(option);
        else return problem(`length: "${option}" is not be, le, incl or a whole-number adjustment.`);
      }
      break;
    }
    case 'idle':
    case 'idle-gap':
      if (rest.length !== 1 || !INTEGER.test(rest[0]))
        return problem('idle needs the gap in whole milliseconds, e.g. idle:50.');
      input = { mode: 'idle-gap', gapMs: Number(rest[0]) };
      break;
    default:
      return problem(`Unknown framing "${parts[0]}".`);
  }
  if (maxBytes !== undefined) {
    if (!['delimiter', 'line', 'json-lines', 'length-field', 'idle-gap'].includes(String(input.mode)))
      return problem(`"${head}" takes no max=: its messages have a size of their own.`);
    input.maxBytes = maxBytes;
  }
  const parsed = FramingSpec.safeParse(input as FramingSpecInput);
  if (!parsed.success) return problem(parsed.error.issues[0]?.message ?? 'The framing is not valid.');
  return ok(parsed.data);
}

/** The text form of a framing; `parseFramingText(framingText(spec))` gives the spec back. */
export function framingText(spec: FramingSpec): string {
  const max = 'maxBytes' in spec && spec.maxBytes !== DEFAULT_MAX_MESSAGE_BYTES ? `:max=${spec.maxBytes}` : '';
  switch (spec.mode) {
    case 'per-read':
    case 'modbus-rtu':
    case 'modbus-tcp':
      return spec.mode;
    case 'line':
    case 'json-lines':
      return `${spec.mode}${max}`;
    case 'delimiter': {
      const bytes = parseHex(spec.delimiter);
      const hex = bytes.ok ? formatHex(bytes.value, { separator: '' }) : spec.delimiter;
      return `delimiter:${hex}${spec.keep ? ':keep' : ''}${max}`;
    }
    case 'fixed':
      return `fixed:${spec.length}`;
    case 'length-field':
      return `length:${spec.offset}:${spec.size}:${spec.endian}${spec.includesHeader ? ':incl' : ''}${spec.adjust ? `:${spec.adjust}` : ''}${max}`;
    case 'idle-gap':
      return `idle:${spec.gapMs}${max}`;
  }
}
