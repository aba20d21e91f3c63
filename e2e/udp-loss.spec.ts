import { createSocket } from 'node:dgram';
import { expect, test } from './fixtures';
import { startPythonProgram, stopAll } from '../test/helpers/processes';

// What a person sees of UDP traffic that a byte count hides: how many datagrams, and a send nobody received.

test.afterEach(() => stopAll());

test('a UDP session shows datagram counts, and says when nothing listens on its default remote', async ({ app }) => {
  const probe = createSocket('udp4');
  await new Promise<void>((resolve) => probe.bind(0, '127.0.0.1', () => resolve()));
  const closedPort = probe.address().port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));

  const udp = await app.newSession('UDP');
  await udp.getByLabel('Local address').fill('127.0.0.1');
  await udp.getByLabel('Local port').fill('0');
  await udp.getByLabel('Remote host').fill('127.0.0.1');
  await udp.getByLabel('Remote port').fill(String(closedPort));
  await udp.getByRole('button', { name: 'Start' }).click();
  const status = udp.getByRole('status').filter({ hasText: 'Bound to' });
  await expect(status).toBeVisible();
  const port = Number(/:(\d+)\s*$/.exec(((await status.textContent()) ?? '').trim())?.[1]);

  await app.send(udp, 'anyone there?');
  await expect(udp.getByRole('alert')).toContainText(
    `Nothing is listening on 127.0.0.1:${closedPort} (the system said the port is closed).`,
  );

  const peer = startPythonProgram(`
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(3):
    s.sendto(b"datagram %d" % i, ("127.0.0.1", ${port}))
print("sent 3", flush=True)
`);
  await peer.waitForLine(/^sent 3/);
  await expect(udp.locator('.status-line')).toContainText('Datagrams: 3 in · 1 out');
});
