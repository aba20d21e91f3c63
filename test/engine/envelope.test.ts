import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../engine/engine';
import type { Result } from '../../shared/result';

// Issue 12: `Engine.execute` promises an envelope for anything a face hands it. Each of these once
// rejected (a thrown getter, a Proxy) or is the kind of input that could; all must answer
// `{ ok: false, error }` in words, and leave the engine working.

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.shutdown();
  engine = undefined;
});

/** Resolves with the envelope, or with a note that `execute` rejected (which the test then reports). */
async function answer(raw: unknown): Promise<Result<unknown> | { rejected: string }> {
  engine ??= new Engine({ statsIntervalMs: 0 });
  try {
    return await engine.execute(raw);
  } catch (thrown) {
    return { rejected: String(thrown) };
  }
}

function cyclicCommand(): unknown {
  const config: Record<string, unknown> = { kind: 'udp', host: '127.0.0.1', port: 0 };
  const command = { type: 'session.create', config };
  config.self = command;
  return command;
}

function cyclicPayload(): unknown {
  const payload: Record<string, unknown> = { data: 'hi' };
  payload.again = payload;
  return { type: 'send', sessionId: 's1', payload };
}

describe('execute always answers with an envelope', () => {
  it.each<[string, () => unknown, RegExp]>([
    [
      'a command whose getter throws',
      () => ({
        type: 'session.rename',
        name: 'bench 1',
        get sessionId(): never {
          throw new Error('getter went off');
        },
      }),
      /could not be read.*getter went off/,
    ],
    [
      'a command whose type getter throws a non-Error',
      () => ({
        get type(): never {
          throw Object.assign(Object.create(null), { toString: () => 'not an error' });
        },
      }),
      /could not be read.*not an error/,
    ],
    [
      'a Proxy that throws on ownKeys',
      () =>
        new Proxy(
          { type: 'session.list' },
          {
            ownKeys() {
              throw new Error('no keys for you');
            },
          },
        ),
      /could not be read.*no keys for you/,
    ],
    [
      'a Proxy whose thrown value cannot even be shown',
      () =>
        new Proxy(
          {},
          {
            get() {
              throw {
                toString() {
                  throw new Error('again');
                },
              };
            },
          },
        ),
      /could not be read.*cannot be shown as text/,
    ],
    ['a cyclic command', cyclicCommand, /config: Unrecognized key: "self"/],
    ['a cyclic payload', cyclicPayload, /payload: Unrecognized key: "again"/],
    [
      'Symbol values',
      () => ({ type: 'session.rename', sessionId: Symbol('s1'), name: Symbol('name') }),
      /sessionId: .*expected string, received symbol/,
    ],
    ['a Symbol as the command', () => Symbol('session.list'), /expected object, received symbol/],
    [
      'a huge array of ids',
      () => ({ type: 'connection.close', sessionId: 's1', connectionIds: new Array(1_000_000).fill('c1') }),
      /connectionIds: .*100000/,
    ],
    ['a huge array as the command', () => new Array(1_000_000).fill({ type: 'session.list' }), /received array/],
  ])('%s', async (_what, make, message) => {
    const result = await answer(make());
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'E_VALIDATION', message: expect.stringMatching(message) },
    });
    const { error } = result as { error: { message: string; hint?: string } };
    expect(error.message.length).toBeLessThanOrEqual(700);
    expect(error.hint).toMatch(/Nothing was sent/);
    // The engine still answers the next command.
    expect(await answer({ type: 'session.list' })).toEqual({ ok: true, value: [] });
  });
});
