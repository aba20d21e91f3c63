import { describe, expect, it } from 'vitest';
import { RuleSet, type RuleSetInput } from '../../shared/contract';
import { tryRules } from '../../shared/rules/answer';

// The "try it" box: the same code the engine runs, given a message instead of a peer.

function attempt(rules: RuleSetInput, message: { mode?: 'text' | 'hex'; data: string; encoding?: 'gbk' }) {
  const set = RuleSet.parse(rules);
  const result = tryRules(set, { mode: 'text', encoding: 'utf-8', escapes: false, ...message });
  if (!result.ok) throw new Error(result.error.message);
  return result.value.answers;
}

describe('trying rules without a peer', () => {
  it('shows the Modbus answer with a hex capture inserted as bytes and the CRC appended', () => {
    const answers = attempt(
      {
        version: 1,
        rules: [
          {
            name: 'echo register',
            when: { kind: 'hex', pattern: '01 03 ?? ?? 00 01' },
            reply: { mode: 'hex', data: '01 03 02 {1}', checksum: 'crc16-modbus' },
          },
        ],
      },
      { mode: 'hex', data: '01 03 00 6B 00 01 F5 D6' },
    );
    expect(answers).toEqual([
      { index: 0, name: 'echo register', delayMs: 0, hex: '01 03 02 00 6B F9 AB', text: expect.any(String), bytes: 7 },
    ]);
  });

  it('puts a hex capture into a text reply as hex digits, and {match} as the matched bytes', () => {
    const answers = attempt(
      {
        version: 1,
        rules: [
          {
            name: 'id',
            when: { kind: 'hex', pattern: 'AA ?? ??', whole: true },
            reply: { data: 'id={1};all={match}' },
          },
        ],
      },
      { mode: 'hex', data: 'AA 12 EF' },
    );
    expect(answers[0].text).toBe('id=12EF;all=AA12EF');
    // whole: a longer message does not match.
    expect(
      attempt(
        {
          version: 1,
          rules: [{ name: 'id', when: { kind: 'hex', pattern: 'AA ??', whole: true }, reply: { data: 'x' } }],
        },
        { mode: 'hex', data: 'AA 12 EF' },
      ),
    ).toEqual([]);
  });

  it('matches text in its encoding and encodes the reply in the reply encoding', () => {
    const answers = attempt(
      {
        version: 1,
        rules: [
          {
            name: '温度',
            when: { kind: 'regex', pattern: '^读(\\S+)$', encoding: 'gbk' },
            reply: { data: '{1}=25℃', encoding: 'gbk' },
          },
        ],
      },
      { data: '读温度', encoding: 'gbk' },
    );
    expect(answers[0]).toMatchObject({ name: '温度', text: '温度=25℃', hex: 'CE C2 B6 C8 3D 32 35 A1 E6' });
  });

  it('doubles backslashes of a capture when the reply interprets escapes', () => {
    const answers = attempt(
      {
        version: 1,
        rules: [
          {
            name: 'path',
            when: { kind: 'regex', pattern: 'OPEN (.+)' },
            reply: { data: 'OK {1}\\r\\n', escapes: true },
          },
        ],
      },
      { data: 'OPEN C:\\temp\\n' },
    );
    expect(answers[0].text).toBe('OK C:\\temp\\n\r\n');
  });

  it('inserts a regex capture into a hex reply as its bytes', () => {
    const answers = attempt(
      {
        version: 1,
        rules: [
          { name: 'id', when: { kind: 'regex', pattern: '^ID=(\\d+)' }, reply: { mode: 'hex', data: 'AA {1} BB' } },
        ],
      },
      { data: 'ID=12;' },
    );
    expect(answers[0].hex).toBe('AA 31 32 BB');
  });

  it('looks for contains and regex in the first 16 KiB of a message only', () => {
    const rules: RuleSetInput = {
      version: 1,
      rules: [{ name: 'c', when: { kind: 'contains', text: 'NEEDLE' }, reply: { data: 'y' } }],
    };
    expect(attempt(rules, { data: `${'.'.repeat(16 * 1024 - 6)}NEEDLE` })).toHaveLength(1);
    expect(attempt(rules, { data: `${'.'.repeat(16 * 1024 - 5)}NEEDLE` })).toEqual([]);
  });

  it('says "no rule" as an empty list, and first vs all picks one or every match', () => {
    const rules = [
      { name: 'a', when: { kind: 'contains', text: 'x' }, reply: { data: 'A' } },
      { name: 'b', when: { kind: 'exact', text: 'xyz' }, reply: { data: 'B' } },
    ] as const;
    expect(attempt({ version: 1, rules: [...rules] }, { data: 'nothing' })).toEqual([]);
    expect(attempt({ version: 1, rules: [...rules] }, { data: 'xyz' }).map((a) => a.name)).toEqual(['a']);
    expect(attempt({ version: 1, match: 'all', rules: [...rules] }, { data: 'xyz' }).map((a) => a.name)).toEqual([
      'a',
      'b',
    ]);
  });

  it('refuses a rules file with the JSON path and the rule named', () => {
    const parsed = RuleSet.safeParse({
      version: 1,
      rules: [
        { name: 'ok', when: { kind: 'exact', text: 'a' }, reply: { data: 'b' } },
        { name: 'bad', when: { kind: 'regex', pattern: 'a', flags: 'g' }, reply: { data: 'b' } },
      ],
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0].path).toEqual(['rules', 1, 'when', 'pattern']);
    expect(parsed.error!.issues[0].message).toBe(
      'Rule "bad": The regex flags "g" are not allowed: use any of i, m, s and u, each once.',
    );
  });
});
