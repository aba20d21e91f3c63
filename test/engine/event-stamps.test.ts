import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../shared/contract';
import { Harness } from '../helpers/harness';
import { startPythonProgram, stopAll } from '../helpers/processes';

// Connection events carry the engine's clocks, so a log can put "opened" before the first data and
// "closed" after the last, whichever batch each arrived in.

type Stamped = Extract<EngineEvent, { type: 'connection.opened' | 'connection.closed' | 'connection.halfClosed' }>;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  await stopAll();
});

describe('connection event stamps', () => {
  it('stamps opened, half-closed and closed with times that bracket the records of the connection', async () => {
    h = new Harness();
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0, allowHalfOpen: false });
    const before = Date.now() * 1000;
    // A tutorial python client: connect, say hello twice, close.
    const client = startPythonProgram(
      [
        'import socket, time',
        `s = socket.create_connection(("127.0.0.1", ${server.port}))`,
        's.sendall(b"hello\\n")',
        'time.sleep(0.05)',
        's.sendall(b"again\\n")',
        'time.sleep(0.05)',
        's.close()',
      ].join('\n'),
    );
    await h.waitFor((e) => e.type === 'connection.closed', 5000);
    await client.exited(5000);
    const records = h.records(server.id).filter((r) => r.dir === 'rx');
    expect(Buffer.concat(records.map((r) => r.bytes)).toString()).toBe('hello\nagain\n');
    const stamped = h.events.filter(
      (e): e is Stamped =>
        e.type === 'connection.opened' || e.type === 'connection.closed' || e.type === 'connection.halfClosed',
    );
    const opened = stamped.find((e) => e.type === 'connection.opened')!;
    const closed = stamped.find((e) => e.type === 'connection.closed')!;
    expect(opened.monoUs).toBeLessThan(records[0].monoUs);
    expect(closed.monoUs).toBeGreaterThan(records[records.length - 1].monoUs);
    expect(closed.type === 'connection.closed' && closed.reason).toBe('peer-closed');
    // The wall clock is the records' wall clock: a real time of day, not a counter.
    expect(opened.wallUs).toBeGreaterThanOrEqual(before - 1_000_000);
    expect(closed.wallUs).toBeGreaterThanOrEqual(opened.wallUs);
    expect(closed.wallUs - opened.wallUs).toBeCloseTo(closed.monoUs - opened.monoUs, -3);
  });

  it('stamps a refusal over the client limit', async () => {
    h = new Harness();
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0, maxClients: 1 });
    const clients = startPythonProgram(
      [
        'import socket, time',
        `a = socket.create_connection(("127.0.0.1", ${server.port}))`,
        'time.sleep(0.1)',
        `b = socket.create_connection(("127.0.0.1", ${server.port}))`,
        'time.sleep(0.2)',
        'a.close(); b.close()',
      ].join('\n'),
    );
    const refused = await h.waitFor((e) => e.type === 'connection.refused', 5000);
    const opened = h.events.find((e) => e.type === 'connection.opened');
    expect(refused.type === 'connection.refused' && opened?.type === 'connection.opened').toBe(true);
    if (refused.type === 'connection.refused' && opened?.type === 'connection.opened')
      expect(refused.monoUs).toBeGreaterThan(opened.monoUs);
    await clients.exited(5000);
  });
});
