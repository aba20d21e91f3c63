import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Command } from '../../shared/contract';
import { fromWireText, toWireText } from '../../shared/contract/wire';
import { Engine } from '../../engine/engine';
import { startTestBridge, TabClient, type TestBridge } from './helpers';

// R-IPC-SCHEMA and R-PROTO over the WebSocket: whatever a page sends, it gets exactly the answer the
// engine's router gives directly (a second engine, so the two never share state), and nothing else happens.

let t: TestBridge;
let client: TabClient;
const direct = new Engine({ statsIntervalMs: 0 });
let nextId = 1_000_000;

beforeAll(async () => {
  t = await startTestBridge();
  client = await TabClient.open(t.port, t.token, { origin: t.origin });
});
afterAll(async () => {
  await client.close();
  await t.close();
  await direct.shutdown();
});

/** Listening sockets and UDP sockets the process holds: a rejected command must not add one. */
function socketHandles(): string[] {
  return process
    .getActiveResourcesInfo()
    .filter((kind) => kind === 'TCPServerWrap' || kind === 'UDPWrap')
    .sort();
}

/** Sends one envelope as exact text; returns the bridge's result and the direct router's for the same command. */
async function both(envelopeText: string): Promise<{ overWs: unknown; directly: unknown }> {
  const id = (fromWireText(envelopeText) as { id: number }).id;
  client.sendRaw(envelopeText);
  const [reply, result] = await Promise.all([
    client.reply(id),
    direct.execute((fromWireText(envelopeText) as { command: unknown }).command),
  ]);
  // What the engine answered, as the page would see it after the trip over the wire.
  return { overWs: reply.result, directly: fromWireText(toWireText(result)) };
}

function envelope(command: unknown): string {
  return toWireText({ type: 'command', id: nextId++, command });
}

describe('fuzzed commands over the bridge', () => {
  const prototypeNamesBefore = Object.getOwnPropertyNames(Object.prototype).sort();

  it('crafted hostile commands: each gets the router’s own answer, E_VALIDATION where rejected', async () => {
    const before = socketHandles();
    const crafted: string[] = [
      envelope({ type: 'session.create', config: { kind: 'tcp-server', host: '127.0.0.1', port: 70000 } }),
      envelope({ type: 'session.create', config: { kind: 'tcp-client', host: '', port: 80 } }),
      envelope({ type: 'session.create', config: { kind: 'udp', host: '127.0.0.1', port: NaN } }),
      envelope({ type: 'session.create', config: { kind: 'udp', host: '127.0.0.1', port: Infinity } }),
      envelope({ type: 'session.create', config: { kind: 'tcp-server', host: '127.0.0.1', port: '80' } }),
      envelope({ type: 'session.create', config: { kind: 'tcp-client', host: 'h'.repeat(512 * 1024), port: 80 } }),
      envelope({ type: 'send', sessionId: 's1', payload: { data: 'x'.repeat(512 * 1024), mode: 'nope' } }),
      envelope({ type: 'session.start', sessionId: NaN }),
      envelope({ type: [[['session.list']]] }),
      envelope([[[[['session.create']]]]]),
      envelope({
        type: 'session.create',
        config: { kind: 'udp', port: 0, constructor: { prototype: { polluted: true } } },
      }),
      envelope({ constructor: { prototype: { polluted: true } }, type: 'session.list' }),
      `{"type":"command","id":${nextId++},"command":{"__proto__":{"polluted":true},"type":"session.list"}}`,
      `{"type":"command","id":${nextId++},"command":{"type":"session.create","config":{"kind":"udp","port":0,"__proto__":{"polluted":true}}}}`,
      `{"type":"command","id":${nextId++},"command":{"type":"session.create","config":{"__proto__":{"kind":"udp","port":0}}}}`,
      envelope(null),
      envelope('session.list'),
    ];
    for (const text of crafted) {
      const { overWs, directly } = await both(text);
      expect(overWs).toEqual(directly);
      expect(overWs).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
    }
    // Pollution at the envelope level is refused by the envelope's own strict schema.
    const pollutedEnvelopeId = nextId++;
    client.sendRaw(
      `{"type":"command","id":${pollutedEnvelopeId},"command":{"type":"session.list"},"__proto__":{"polluted":true}}`,
    );
    expect((await client.reply(pollutedEnvelopeId)).result).toMatchObject({
      ok: false,
      error: { code: 'E_VALIDATION' },
    });
    const noCommandId = nextId++;
    client.sendRaw(`{"type":"command","id":${noCommandId},"__proto__":{"polluted":true}}`);
    expect((await client.reply(noCommandId)).result).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
    // Deeper than JSON.parse or a schema would like: still one reply, and no crash.
    client.sendRaw(`${'['.repeat(20_000)}${']'.repeat(20_000)}`);
    await client.until(() => client.replies.get(-1));

    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeNamesBefore);
    expect(await client.ok({ type: 'session.list' })).toEqual([]);
    expect(socketHandles()).toEqual(before);
  });

  it('≥1000 arbitrary values: every one answered, identically to the router, and rejected ones are E_VALIDATION', async () => {
    const before = socketHandles();
    const commandTypes = Command.options.map((option) => option.shape.type.value);
    const started = performance.now();
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 4, arbitrary: fc.anything() },
          { weight: 1, arbitrary: fc.record({ type: fc.constantFrom(...commandTypes) }) },
          {
            weight: 1,
            arbitrary: fc.record(
              { type: fc.constantFrom(...commandTypes), sessionId: fc.anything(), config: fc.anything() },
              { requiredKeys: ['type'] },
            ),
          },
        ),
        async (raw) => {
          const text = envelope(raw);
          const { overWs, directly } = await both(text);
          answered++;
          expect(overWs).toEqual(directly);
          // Judged on what JSON made of it (NaN becomes null, undefined keys vanish), as the router saw it.
          const received = (fromWireText(text) as { command?: unknown }).command;
          if (!Command.safeParse(received).success)
            expect(overWs).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
        },
      ),
      { numRuns: 1200 },
    );
    expect(answered).toBeGreaterThanOrEqual(1200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeNamesBefore);
    expect(socketHandles()).toEqual(before);
    const sessionsOverWs = await client.ok({ type: 'session.list' });
    expect(sessionsOverWs).toEqual(
      fromWireText(toWireText(((await direct.execute({ type: 'session.list' })) as { value: unknown }).value)),
    );
    console.log(`${answered} fuzzed commands over the WebSocket in ${Math.round(performance.now() - started)} ms`);
  });
});
