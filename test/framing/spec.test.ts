import { describe, expect, it } from 'vitest';
import { formatIssues, FramingSpec, parseCommand } from '../../shared/contract';
import { framingText, parseFramingText } from '../../shared/framing';

// The FramingSpec schema's words for bad values, and the one-line text form `--frame` takes.

function problemOf(input: unknown): string {
  const parsed = FramingSpec.safeParse(input);
  if (parsed.success) throw new Error(`accepted ${JSON.stringify(input)}`);
  return formatIssues(parsed.error);
}

describe('FramingSpec', () => {
  it('says what is wrong with a delimiter in plain words', () => {
    expect(problemOf({ mode: 'delimiter', delimiter: '' })).toMatch(
      /The delimiter is empty: type at least one byte in hex/,
    );
    expect(problemOf({ mode: 'delimiter', delimiter: '0D0' })).toMatch(
      /The delimiter is not valid hex: Odd number of hex digits/,
    );
    expect(problemOf({ mode: 'delimiter', delimiter: 'zz' })).toMatch(
      /The delimiter is not valid hex: Invalid hex character/,
    );
  });

  it('refuses impossible numbers and unknown modes', () => {
    expect(problemOf({ mode: 'fixed', length: 0 })).toMatch(/at least 1 byte/);
    expect(problemOf({ mode: 'length-field', offset: 0, size: 3 })).toMatch(/1, 2 or 4 bytes long/);
    expect(problemOf({ mode: 'idle-gap', gapMs: 0 })).toMatch(/at least 1 ms/);
    expect(problemOf({ mode: 'crlf' })).toMatch(/The framing mode must be one of: per-read, delimiter/);
  });

  it('is a session setting: a bad framing in session.create names the field', () => {
    const result = parseCommand({
      type: 'session.create',
      config: { kind: 'tcp-server', port: 0, framing: { mode: 'delimiter', delimiter: '' } },
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/^config\.framing\.delimiter: The delimiter is empty/);
  });
});

describe('the text form', () => {
  it('reads every mode', () => {
    const cases: Array<[string, unknown]> = [
      ['per-read', { mode: 'per-read' }],
      ['line', { mode: 'line', maxBytes: 65536 }],
      ['json-lines:max=1024', { mode: 'json-lines', maxBytes: 1024 }],
      ['delimiter:0A', { mode: 'delimiter', delimiter: '0A', keep: false, maxBytes: 65536 }],
      ['delimiter:0D0A:keep', { mode: 'delimiter', delimiter: '0D0A', keep: true, maxBytes: 65536 }],
      ['fixed:16', { mode: 'fixed', length: 16 }],
      [
        'length:2:4:le:incl:-4',
        { mode: 'length-field', offset: 2, size: 4, endian: 'le', includesHeader: true, adjust: -4, maxBytes: 65536 },
      ],
      [
        'length:0:2',
        { mode: 'length-field', offset: 0, size: 2, endian: 'be', includesHeader: false, adjust: 0, maxBytes: 65536 },
      ],
      ['idle:50', { mode: 'idle-gap', gapMs: 50, maxBytes: 65536 }],
      ['modbus-rtu', { mode: 'modbus-rtu' }],
      ['modbus-tcp', { mode: 'modbus-tcp' }],
    ];
    for (const [text, expected] of cases) {
      const parsed = parseFramingText(text);
      expect(parsed, text).toEqual({ ok: true, value: expected });
      if (parsed.ok) expect(parseFramingText(framingText(parsed.value))).toEqual(parsed);
    }
  });

  it('explains a wrong one', () => {
    const message = (text: string) => {
      const parsed = parseFramingText(text);
      return parsed.ok ? 'accepted' : parsed.error.message;
    };
    expect(message('delimiter')).toBe('delimiter needs the delimiter in hex, e.g. delimiter:0A or delimiter:0D0A.');
    expect(message('delimiter:0D0')).toMatch(/^The delimiter is not valid hex: Odd number of hex digits/);
    expect(message('length:2')).toMatch(/^length needs the field offset and size in bytes/);
    expect(message('length:0:3')).toBe('The length field is 1, 2 or 4 bytes long.');
    expect(message('fixed:x')).toBe('fixed needs one whole number of bytes, e.g. fixed:16.');
    expect(message('modbus-rtu:max=10')).toBe('"modbus-rtu" takes no max=: its messages have a size of their own.');
    expect(message('frames')).toBe('Unknown framing "frames".');
  });
});
