import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../shared/contract';
import { Harness, until } from '../helpers/harness';

// UDP loses datagrams silently; these tests make the system lose some for real and check that a person is told.

let h: Harness;
const cleanups: Array<() => void> = [];
afterEach(async () => {
  await h?.close();
  while (cleanups.length) cleanups.pop()!();
});

type ErrorEvent = Extract<EngineEvent, { type: 'error' }>;
const isError =
  (code: string) =>
  (event: EngineEvent): event is ErrorEvent =>
    event.type === 'error' && event.error.code === code;

/** A port on 127.0.0.1 that was free a moment ago and has nothing bound to it now. */
async function closedPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

describe('UDP loss made visible', () => {
  it.skipIf(process.platform !== 'linux').each([
    ['127.0.0.1', 'AF_INET'],
    ['::1', 'AF_INET6'],
  ])(
    'a burst into a tiny receive buffer of a starved session on %s is counted and reported once with a hint',
    async (host, family) => {
      h = new Harness();
      const udp = await h.start({ kind: 'udp', host, port: 0, recvBufferBytes: 4096 });
      const total = 5000;
      // spawnSync holds this process (and so the engine) still while python sends: the session cannot read.
      const sender = spawnSync(
        'python3',
        [
          '-c',
          `import socket
s = socket.socket(socket.${family}, socket.SOCK_DGRAM)
for i in range(${total}):
    s.sendto(b"x" * 512, ("${host}", ${udp.port}))
print("sent")`,
        ],
        { timeout: 30_000, encoding: 'utf8' },
      );
      expect(sender.stdout.trim()).toBe('sent');

      const report = await h.waitFor(isError('E_UDP_DROPPED'), 10_000);
      const dropped = Number(
        /^([\d,]+) datagrams dropped by the system: the receive buffer was full\.$/
          .exec(report.error.message)?.[1]
          ?.replaceAll(',', ''),
      );
      expect(dropped).toBeGreaterThan(0);
      expect(report.sessionId).toBe(udp.id);
      expect(report.error.hint).toMatch(/Raise the receive buffer \(recvBufferBytes/);

      // Every datagram is accounted for: the ones the session got plus the ones the system dropped.
      const stats = await h.run({ type: 'stats.get', sessionId: udp.id });
      expect(stats.systemDrops).toBe(dropped);
      await until(() => h.records(udp.id).length + dropped === total, 5000, 'received + dropped = sent');
      expect(h.events.filter(isError('E_UDP_DROPPED'))).toHaveLength(1);
    },
  );

  it('reports a datagram to a closed port on 127.0.0.1 when the session has a default remote', async () => {
    h = new Harness();
    const port = await closedPort();
    const udp = await h.start({ kind: 'udp', host: '127.0.0.1', port: 0, remoteHost: '127.0.0.1', remotePort: port });
    const sent = await h.run({ type: 'send', sessionId: udp.id, payload: { data: 'anyone there?' } });
    expect(sent.bytes).toBe(13);
    const report = await h.waitFor(isError('ECONNREFUSED'), 5000);
    expect(report.sessionId).toBe(udp.id);
    expect(report.error.message).toBe(
      `Nothing is listening on 127.0.0.1:${port} (the system said the port is closed).`,
    );
  });

  it('with a default remote, still receives from that remote and from anyone else', async () => {
    h = new Harness();
    const remote = createSocket('udp4');
    const other = createSocket('udp4');
    cleanups.push(() => (remote.close(), other.close()));
    await new Promise<void>((resolve) => remote.bind(0, '127.0.0.1', () => resolve()));
    await new Promise<void>((resolve) => other.bind(0, '127.0.0.1', () => resolve()));
    const udp = await h.start({
      kind: 'udp',
      host: '127.0.0.1',
      port: 0,
      remoteHost: '127.0.0.1',
      remotePort: remote.address().port,
    });
    remote.send('from the remote', udp.port, '127.0.0.1');
    await h.waitForBytes(udp.id, 'rx', 15);
    other.send('from another', udp.port, '127.0.0.1');
    await h.waitForBytes(udp.id, 'rx', 27);
    expect(h.records(udp.id).map((r) => [Buffer.from(r.bytes).toString(), r.peer])).toEqual([
      ['from the remote', `127.0.0.1:${remote.address().port}`],
      ['from another', `127.0.0.1:${other.address().port}`],
    ]);
    expect(h.events.filter(isError('ECONNREFUSED'))).toHaveLength(0);
  });
});
