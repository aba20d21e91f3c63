import { afterEach, describe, expect, it } from 'vitest';
import { MAX_REMEMBERED_PEERS, PeerNames } from '../../engine/udp-peers';
import { Harness } from '../helpers/harness';
import { startPythonProgram, stopAll } from '../helpers/processes';

// Each datagram's sender is named once and remembered (engine/udp-peers.ts): a flood from one sender must
// not build the same text a hundred thousand times, and a remembered name must never be the wrong one.

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  await stopAll();
});

describe('UDP sender names', () => {
  it('records the right sender for every datagram when three python senders take turns, over and over', async () => {
    h = new Harness();
    const udp = await h.start({ kind: 'udp', host: '127.0.0.1', port: 0, recvBufferBytes: 1024 * 1024 });
    // Each datagram says which socket sent it; every socket prints its port first.
    const sender = startPythonProgram(`
import socket, time
socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(3)]
for i, s in enumerate(socks):
    s.bind(("127.0.0.1", 0))
    print("sender", i, s.getsockname()[1])
for n in range(300):
    i = (n * 7 // 3) % 3
    socks[i].sendto(("%d:%d" % (i, n)).encode(), ("127.0.0.1", ${udp.port}))
    if n % 50 == 49:
        time.sleep(0.01)
print("done")
`);
    await sender.waitForLine(/^done$/);
    const ports = [...sender.stdout().matchAll(/^sender (\d) (\d+)$/gm)].map((m) => Number(m[2]));
    expect(ports).toHaveLength(3);
    let total = 0;
    for (let n = 0; n < 300; n++) total += `${Math.floor((n * 7) / 3) % 3}:${n}`.length;
    await h.waitForBytes(udp.id, 'rx', total);
    const records = h.records(udp.id).filter((record) => record.dir === 'rx');
    expect(records).toHaveLength(300);
    for (const record of records) {
      const [which] = Buffer.from(record.bytes).toString().split(':');
      expect(record.peer).toBe(`127.0.0.1:${ports[Number(which)]}`);
    }
  });

  it('keeps naming senders right past the number it remembers, and brackets IPv6', () => {
    const names = new PeerNames();
    const first = names.name('10.0.0.1', 1);
    expect(first).toBe('10.0.0.1:1');
    for (let port = 2; port <= MAX_REMEMBERED_PEERS + 10; port++) {
      expect(names.name(`10.0.${port % 7}.1`, port)).toBe(`10.0.${port % 7}.1:${port}`);
    }
    expect(names.name('::1', 5000)).toBe('[::1]:5000');
    expect(names.name('10.0.0.1', 1)).toBe('10.0.0.1:1');
    expect(names.name('10.0.0.1', 2)).toBe('10.0.0.1:2');
    expect(names.name('10.0.0.1', 1)).toBe('10.0.0.1:1');
  });
});
