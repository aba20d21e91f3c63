import { afterEach, describe, expect, it } from 'vitest';
import { Harness, tcpPeer } from '../helpers/harness';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

describe('capture under a flood', () => {
  it('counts every byte while the store stays within its cap and counts what it evicted', async () => {
    h = new Harness();
    const cap = 256 * 1024;
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0, captureCapBytes: cap });
    const peer = await tcpPeer(server.port);
    const total = 8 * 1024 * 1024;
    const block = Buffer.alloc(64 * 1024, 0x5a);
    for (let sent = 0; sent < total; sent += block.length) {
      if (!peer.socket.write(block)) await new Promise((resolve) => peer.socket.once('drain', resolve));
    }
    await h.waitForBytes(server.id, 'rx', total, 20_000);
    const stats = await h.run({ type: 'stats.get', sessionId: server.id });
    expect(stats.counters.bytesIn).toBe(total);
    expect(stats.capture.bytes).toBeLessThanOrEqual(cap);
    expect(stats.capture.evictedBytes).toBeGreaterThan(0);
    expect(stats.capture.evictedBytes + stats.capture.bytes).toBe(total);
    expect(stats.capture.evictedRecords + stats.capture.records).toBe(stats.counters.packetsIn);
    const page = await h.run({ type: 'capture.read', sessionId: server.id, fromSeq: 0, limit: 100_000 });
    expect(page.firstSeq).toBe(stats.capture.evictedRecords + 1);
    expect(page.records.at(-1)!.seq).toBe(stats.counters.packetsIn);
    expect(Buffer.concat(page.records.map((r) => r.bytes)).every((b) => b === 0x5a)).toBe(true);
    const cleared = await h.run({ type: 'capture.clear', sessionId: server.id });
    expect(cleared.cleared).toBe(stats.capture.records);
    peer.socket.destroy();
  });
});
