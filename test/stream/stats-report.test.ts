import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent, SessionStats } from '../../shared/contract';
import { Engine } from '../../engine/engine';
import { tcpPeer, until } from '../helpers/harness';

// The periodic counters report goes to every user interface about once a second. With 10,000 clients connected
// a full list would be megabytes each time, so it carries only the connections that changed.

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('periodic stats events', () => {
  it('carry only the connections whose counters changed, never idle ones; stats.get still lists them all', async () => {
    const engine = new Engine({ statsIntervalMs: 25 });
    cleanups.push(() => engine.shutdown());
    const reports: SessionStats[] = [];
    engine.subscribe((event: EngineEvent) => {
      if (event.type === 'stats') reports.push(event.stats);
    });
    const created = await engine.run({
      type: 'session.create',
      config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 },
    });
    if (!created.ok) throw new Error(created.error.message);
    const sessionId = created.value.sessionId;
    const started = await engine.run({ type: 'session.start', sessionId });
    if (!started.ok) throw new Error(started.error.message);
    const port = Number(/:(\d+)$/.exec(started.value.local ?? '')?.[1]);
    const peers = [];
    for (let i = 0; i < 20; i++) {
      const p = await tcpPeer(port);
      cleanups.push(() => p.socket.destroy());
      peers.push(p);
    }
    const all = await engine.run({ type: 'connection.list', sessionId });
    if (!all.ok) throw new Error(all.error.message);
    expect(all.value).toHaveLength(20);

    // Twenty idle connections: their opened events said everything, so the reports name none of them.
    const quietFrom = reports.length;
    await until(() => reports.length >= quietFrom + 3, 5000, 'three more reports');
    expect(reports.flatMap((r) => r.connections)).toEqual([]);

    peers[3]!.socket.write('hello');
    const talker = all.value[3]!.connectionId;
    await until(
      () =>
        reports
          .slice(quietFrom)
          .some((r) => r.connections.some((c) => c.connectionId === talker && c.counters.bytesIn === 5)),
      5000,
      'the talker',
    );
    // Its rate falls back to zero over the next second; until then it keeps being reported, alone.
    await until(
      () =>
        reports
          .slice(quietFrom)
          .some((r) => r.connections.some((c) => c.connectionId === talker && c.counters.rateIn === 0)),
      5000,
      'the rate to settle',
    );
    const later = reports.slice(quietFrom);
    for (const report of later)
      expect(report.connections.map((c) => c.connectionId).filter((id) => id !== talker)).toEqual([]);
    // The session's own counters are in every report.
    expect(later.at(-1)!.counters.bytesIn).toBe(5);

    const full = await engine.run({ type: 'stats.get', sessionId });
    expect(full.ok && full.value.connections).toHaveLength(20);
  });
});
