import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../engine/engine';
import type { EngineEvent } from '../../shared/contract';
import { Harness, tcpPeer, until } from '../helpers/harness';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

describe('send path', () => {
  it('the tx record holds exactly the bytes the peer received: text, escapes, checksum and line ending', async () => {
    h = new Harness();
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const peer = await tcpPeer(server.port);
    await h.waitFor((e) => e.type === 'connection.opened');
    await h.run({
      type: 'send',
      sessionId: server.id,
      payload: { data: '温度\\t25\\x00', encoding: 'gbk', escapes: true, checksum: 'crc16-modbus', lineEnding: 'crlf' },
    });
    const onWire = await peer.waitForBytes(8 + 2 + 2);
    expect(onWire).toHaveLength(12);
    expect(h.bytes(server.id, 'tx').equals(onWire)).toBe(true);
    // 温度 in GBK, TAB, "25", NUL, CRC-16/MODBUS low byte first, CR LF.
    expect(onWire.subarray(0, 8).toString('hex')).toBe('cec2b6c809323500');
    expect(onWire.subarray(-2).toString('hex')).toBe('0d0a');
    peer.socket.destroy();
  });

  it('reports counters and rates on a steady beat while sessions run', async () => {
    const engine = new Engine({ statsIntervalMs: 50 });
    const stats: Extract<EngineEvent, { type: 'stats' }>[] = [];
    engine.subscribe((e) => e.type === 'stats' && stats.push(e));
    try {
      const created = await engine.run({ type: 'session.create', config: { kind: 'udp', host: '127.0.0.1', port: 0 } });
      if (!created.ok) throw new Error(created.error.message);
      await engine.run({ type: 'session.start', sessionId: created.value.sessionId });
      await engine.run({
        type: 'send',
        sessionId: created.value.sessionId,
        payload: { data: 'tick' },
        target: { to: 'peer', host: '127.0.0.1', port: 9 },
      });
      await until(() => stats.length >= 3, 2000, 'three stats reports');
      const last = stats.at(-1)!.stats;
      expect(last.counters).toMatchObject({ bytesOut: 4, packetsOut: 1 });
      expect(last.counters.rateOut).toBeGreaterThan(0);
    } finally {
      await engine.shutdown();
    }
  });
});
