import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { Harness } from '../helpers/harness';

let h: Harness;
let busy: Server | undefined;
afterEach(async () => {
  await h?.close();
  await new Promise<void>((resolve) => (busy ? busy.close(() => resolve()) : resolve()));
  busy = undefined;
});

describe('the workspace the engine keeps', () => {
  it('gives back every session with its settings, rules and whether it was running', async () => {
    h = new Harness();
    const server = await h.start({
      kind: 'tcp-server',
      host: '127.0.0.1',
      port: 0,
      greeting: { data: 'hi' },
    });
    await h.run({ type: 'session.rename', sessionId: server.id, name: 'PLC listener' });
    await h.run({
      type: 'rules.set',
      sessionId: server.id,
      rules: {
        version: 1,
        match: 'first',
        rules: [{ name: 'ping', when: { kind: 'exact', text: 'PING' }, reply: { data: 'PONG' } }],
      },
    });
    const idle = await h.run({ type: 'session.create', config: { kind: 'udp', host: '127.0.0.1', port: 0 } });
    const state = await h.run({ type: 'workspace.get' });
    expect(state.path).toBeUndefined();
    const [first, second] = state.document.sessions;
    expect(first).toMatchObject({ id: server.id, name: 'PLC listener', wasRunning: true });
    expect(first!.config).toMatchObject({ kind: 'tcp-server', greeting: { data: 'hi' } });
    expect(first!.rules?.rules[0]?.name).toBe('ping');
    expect(second).toMatchObject({ id: idle.sessionId, wasRunning: false });
  });

  it('brings sessions back under their ids, stopped, and "Start all" starts the ones that were running', async () => {
    h = new Harness();
    const before = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    await h.run({ type: 'session.create', config: { kind: 'udp', host: '127.0.0.1', port: 0 }, name: 'spare' });
    const saved = (await h.run({ type: 'workspace.get' })).document;
    await h.close();

    h = new Harness();
    const opened = await h.run({ type: 'workspace.import', document: saved });
    expect(opened.toStart).toEqual([before.id]);
    const listed = await h.run({ type: 'session.list' });
    expect(listed.map((s) => [s.sessionId, s.name, s.state])).toEqual([
      [before.id, saved.sessions[0]!.name, 'idle'],
      [saved.sessions[1]!.id, 'spare', 'idle'],
    ]);
    // A new session never takes an id a workspace brought back.
    const fresh = await h.run({ type: 'session.create', config: { kind: 'udp', host: '127.0.0.1', port: 0 } });
    expect(listed.map((s) => s.sessionId)).not.toContain(fresh.sessionId);

    const all = await h.run({ type: 'session.startAll' });
    expect(all).toEqual({ started: [before.id], failed: [] });
    expect((await h.run({ type: 'session.list' })).find((s) => s.sessionId === before.id)?.state).toBe('listening');
    expect((await h.run({ type: 'workspace.get' })).toStart).toEqual([]);
  });

  it('"Start all" says which session could not start and why, and starts the rest', async () => {
    h = new Harness();
    busy = createServer();
    await new Promise<void>((resolve) => busy!.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    const blocked = await h.run({ type: 'session.create', config: { kind: 'tcp-server', host: '127.0.0.1', port } });
    const free = await h.run({ type: 'session.create', config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 } });
    const all = await h.run({ type: 'session.startAll', sessionIds: [blocked.sessionId, free.sessionId] });
    expect(all.started).toEqual([free.sessionId]);
    expect(all.failed[0]).toMatchObject({ sessionId: blocked.sessionId, error: { code: 'EADDRINUSE' } });
    expect(all.failed[0]!.error.message).toContain(String(port));
  });

  it('refuses a second session with the same id, and a workspace with two, without touching what runs', async () => {
    h = new Harness();
    const running = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const again = await h.engine.execute({ type: 'session.create', id: running.id, config: { kind: 'udp', port: 0 } });
    expect(again).toMatchObject({ ok: false, error: { code: 'E_STATE' } });
    const document = (await h.run({ type: 'workspace.get' })).document;
    const twice = { ...document, sessions: [document.sessions[0]!, document.sessions[0]!] };
    const refused = await h.engine.execute({ type: 'workspace.import', document: twice });
    expect(refused).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
    expect((await h.run({ type: 'session.list' }))[0]?.state).toBe('listening');
  });
});
