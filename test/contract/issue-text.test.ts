import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatIssues, parseCommand } from '../../shared/contract';
import { Engine } from '../../engine/engine';

// Issue 12: a validation error was once 88,000 characters long. Whatever the input, the message a
// person reads names the first few problems, quotes at most ~80 characters of any bad value, and
// counts the rest.

const MESSAGE_LIMIT = 700;

function messageOf(raw: unknown): string {
  const parsed = parseCommand(raw);
  if (parsed.ok) throw new Error('expected a validation error');
  return parsed.error.message;
}

describe('validation messages are capped in length', () => {
  it('a 100,000-element array of bad ids names the first few and counts the rest', () => {
    const message = messageOf({
      type: 'connection.close',
      sessionId: 's1',
      connectionIds: new Array(100_000).fill('not an id!'),
    });
    expect(message.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(message).toMatch(/^connectionIds\[0\]: An id has only letters/);
    expect(message).toMatch(/… and 99,99\d more problems\.$/);
  });

  it('100,000 unknown fields are named three at a time, not all of them', () => {
    const command: Record<string, unknown> = { type: 'session.list' };
    for (let i = 0; i < 100_000; i++) command[`field${i}`] = i;
    const message = messageOf(command);
    expect(message).toBe('Unrecognized keys: "field0", "field1", "field2" and 99,997 more');
  });

  it('a 1 MB unknown field name is quoted in its first 80 characters with its real length', () => {
    const name = 'k'.repeat(1024 * 1024);
    const message = messageOf({ type: 'session.list', [name]: 1 });
    expect(message).toBe(`Unrecognized key: "${'k'.repeat(80)}… (1,048,576 characters)"`);
  });

  it('a 1 MB bad string quoted by a message is cut to 80 characters', () => {
    const Field = z.object({
      label: z
        .string()
        .refine((text) => !text.includes(' '), { error: (issue) => `"${String(issue.input)}" has a space.` }),
    });
    const bad = `${'ab '.repeat(350_000)}`;
    const parsed = Field.safeParse({ label: bad });
    expect(parsed.success).toBe(false);
    const message = formatIssues(parsed.error!);
    expect(message).toBe(`label: "${bad.slice(0, 80)}… (1,050,000 characters)" has a space.`);
  });

  it('the engine answers a 1 MB bad string and a 100,000-element bad array with short messages', async () => {
    const engine = new Engine({ statsIntervalMs: 0 });
    try {
      const hugeKey = await engine.execute({ type: 'session.list', ['x'.repeat(1024 * 1024)]: true });
      const hugeArray = await engine.execute({
        type: 'send',
        sessionId: 's1',
        payload: { data: 'a' },
        target: { to: 'connections', connectionIds: new Array(100_000).fill(42) },
      });
      for (const result of [hugeKey, hugeArray]) {
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.error.message.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
      }
      expect(!hugeArray.ok && hugeArray.error.message).toMatch(
        /^target\.connectionIds\[0\]: .*expected string, received number .*… and 99,99\d more problems\.$/,
      );
    } finally {
      await engine.shutdown();
    }
  });
});
