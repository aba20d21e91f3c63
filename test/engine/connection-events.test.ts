import { afterEach, describe, expect, it } from 'vitest';
import { CONNECTION_EVENTS_KEPT } from '../../engine/connection-events';
import { Harness, until } from '../helpers/harness';
import { startPythonProgram, stopAll } from '../helpers/processes';

// A page that reloads loses the connect and close lines it drew; the engine keeps the newest per session so the
// page can ask for them again (`connection.events`) and put them back among the records.

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  await stopAll();
});

describe('the connection lines the engine keeps', () => {
  it('gives back opened, half-closed and closed of a python client in the order they happened, with their stamps', async () => {
    h = new Harness();
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0, allowHalfOpen: true });
    const client = startPythonProgram(
      [
        'import socket',
        `s = socket.create_connection(("127.0.0.1", ${server.port}))`,
        's.sendall(b"hello\\n")',
        's.shutdown(socket.SHUT_WR)',
        's.recv(100)',
        's.close()',
      ].join('\n'),
    );
    await h.waitFor((e) => e.type === 'connection.halfClosed');
    await h.run({ type: 'connection.close', sessionId: server.id });
    await h.waitFor((e) => e.type === 'connection.closed');
    await client.exited(5000);

    const { events } = await h.run({ type: 'connection.events', sessionId: server.id });
    expect(events.map((e) => e.type)).toEqual(['connection.opened', 'connection.halfClosed', 'connection.closed']);
    // The same events the live stream carried, stamps included: a page merges them by time without guessing.
    const live = h.events.filter((e) => e.type.startsWith('connection.'));
    expect(events).toEqual(live);
    const [opened, half, closed] = events;
    expect(opened.type === 'connection.opened' && opened.connection.peer).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(half.type === 'connection.halfClosed' && half.by).toBe('peer');
    expect(closed.type === 'connection.closed' && closed.reason).toBe('kicked');

    // A page that already has the lines up to a moment asks only for what came after it.
    const after = await h.run({ type: 'connection.events', sessionId: server.id, afterMonoUs: half.monoUs });
    expect(after.events.map((e) => e.type)).toEqual(['connection.closed']);
  });

  it('forgets a session’s lines when its log is cleared, and refuses a session that does not exist', async () => {
    h = new Harness();
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const client = startPythonProgram(
      ['import socket', `s = socket.create_connection(("127.0.0.1", ${server.port}))`, 's.close()'].join('\n'),
    );
    await h.waitFor((e) => e.type === 'connection.closed');
    await client.exited(5000);
    expect((await h.run({ type: 'connection.events', sessionId: server.id })).events).toHaveLength(2);
    await h.run({ type: 'capture.clear', sessionId: server.id });
    expect((await h.run({ type: 'connection.events', sessionId: server.id })).events).toEqual([]);

    const missing = await h.engine.execute({ type: 'connection.events', sessionId: 'nope' });
    expect(missing).toEqual({ ok: false, error: expect.objectContaining({ message: 'There is no session "nope".' }) });
    const bad = await h.engine.execute({ type: 'connection.events', sessionId: server.id, afterMonoUs: 'soon' });
    expect(bad.ok).toBe(false);
  });

  it(`keeps the newest ${CONNECTION_EVENTS_KEPT} lines of a session, not more`, async () => {
    h = new Harness({ keepRecords: false });
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    // 600 short connections from one python client: 1200 lines, each connection one after another.
    const connections = 600;
    const client = startPythonProgram(
      [
        'import socket',
        `for i in range(${connections}):`,
        `    s = socket.create_connection(("127.0.0.1", ${server.port}))`,
        '    s.close()',
      ].join('\n'),
    );
    await client.exited(30_000);
    await until(
      () => h!.events.filter((e) => e.type === 'connection.closed').length === connections,
      20_000,
      `${connections} closes`,
    );
    const { events } = await h.run({ type: 'connection.events', sessionId: server.id });
    expect(events).toHaveLength(CONNECTION_EVENTS_KEPT);
    const live = h.events.filter((e) => e.type.startsWith('connection.'));
    expect(events).toEqual(live.slice(live.length - CONNECTION_EVENTS_KEPT));
    for (let i = 1; i < events.length; i++) expect(events[i].monoUs).toBeGreaterThanOrEqual(events[i - 1].monoUs);
  }, 60_000);
});
