import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { Command } from '../../shared/contract';
import { Harness, sleep, tcpPeer } from '../helpers/harness';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

/** Sockets, servers and timers the process holds; a rejected command must not add any. */
function handles(): string[] {
  return process.getActiveResourcesInfo().filter((kind) => kind !== 'Timeout' && kind !== 'Immediate');
}

describe('bad commands are rejected by validation and touch no socket', () => {
  it.each([
    [{ kind: 'tcp-server', host: '127.0.0.1', port: 70000 }, 'config.port: The port must be at most 65535.'],
    [{ kind: 'tcp-server', host: '127.0.0.1', port: -1 }, 'config.port: The port cannot be negative'],
    [{ kind: 'tcp-client', host: '', port: 80 }, 'config.host: The host is empty'],
    [{ kind: 'tcp-client', host: '127.0.0.1', port: 0 }, 'config.port: Port 0 cannot be connected to'],
    [{ kind: 'tcp-client', host: '300.1.1.1', port: 80 }, 'not a valid IPv4 address'],
    [{ kind: 'tcp-client', host: 'bad host', port: 80 }, 'contains a space'],
    [{ kind: 'udp', host: '::1', port: 1.5 }, 'whole number'],
    [{ kind: 'udp', host: '127.0.0.1', port: 0, extra: true }, 'extra'],
  ])('%j', async (config, message) => {
    h = new Harness();
    const before = handles();
    const result = await h.engine.execute({ type: 'session.create', config });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'E_VALIDATION', message: expect.stringContaining(message) },
    });
    expect((await h.run({ type: 'session.list' })).length).toBe(0);
    expect(handles()).toEqual(before);
  });

  it('malformed hex is refused with its position, and the connected peer receives nothing', async () => {
    h = new Harness();
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const peer = await tcpPeer(server.port);
    await h.waitFor((e) => e.type === 'connection.opened');
    const result = await h.engine.run({
      type: 'send',
      sessionId: server.id,
      payload: { mode: 'hex', data: '48 65 6G' },
    });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'E_HEX', position: 7, message: expect.stringContaining('"G"') },
    });
    const unencodable = await h.engine.run({
      type: 'send',
      sessionId: server.id,
      payload: { data: 'smile: 😀', encoding: 'gbk' },
    });
    expect(unencodable).toMatchObject({ ok: false, error: { code: 'E_ENCODING', position: 7 } });
    await sleep(100);
    expect(peer.received()).toHaveLength(0);
    expect(h.bytes(server.id, 'tx')).toHaveLength(0);
    peer.socket.destroy();
  });

  it('refuses prototype-polluting payloads without polluting anything', async () => {
    h = new Harness();
    const hostile = [
      JSON.parse('{"type":"session.create","config":{"kind":"udp","port":0,"__proto__":{"polluted":true}}}'),
      { type: 'session.create', config: { kind: 'udp', port: 0, constructor: { prototype: { polluted: true } } } },
      JSON.parse('{"__proto__":{"polluted":true},"type":"session.list"}'),
    ];
    for (const raw of hostile) await h.engine.execute(raw);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf((await h.run({ type: 'session.list' })) ?? [])).toBe(Array.prototype);
  });

  it('any payload at all: execute resolves to an envelope, and everything the schema rejects is E_VALIDATION with no socket opened', async () => {
    h = new Harness();
    const before = handles();
    const crafted = fc.constantFrom<unknown>(
      { type: 'session.create', config: { kind: 'tcp-server', port: 70000 } },
      { type: 'session.create', config: { kind: 'tcp-client', host: '', port: 1 } },
      { type: 'send', sessionId: 's1', payload: { data: 'x'.repeat(2 * 1024 * 1024), mode: 'nope' } },
      { type: 'session.start', sessionId: NaN },
      { type: [[['session.list']]] },
      null,
      'session.list',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.anything(),
          crafted,
          fc.record({ type: fc.constantFrom(...Command.options.map((o) => o.shape.type.value)) }),
        ),
        async (raw) => {
          const result = await h.engine.execute(raw);
          expect(typeof result.ok).toBe('boolean');
          if (!Command.safeParse(raw).success)
            expect(result).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
        },
      ),
      { numRuns: 1000, seed: 20261122 },
    );
    expect(handles()).toEqual(before);
  });
});
