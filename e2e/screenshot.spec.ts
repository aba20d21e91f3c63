import { expect, test } from './fixtures';
import { tcpClient } from './peers';

// The README's picture is taken here, from the real UI with real traffic. Every run takes it (into
// test-results/); SOCKPIT_UPDATE_SCREENSHOT=1 also writes it to docs/, so a test run leaves the tree clean.
const target = process.env.SOCKPIT_UPDATE_SCREENSHOT === '1' ? 'docs/screenshot.png' : 'test-results/screenshot.png';
test('README screenshot: a server with two clients, GBK text and a Modbus frame in hex', async ({ app, page }) => {
  await page.setViewportSize({ width: 1500, height: 860 });
  const server = await app.newSession();
  const port = await app.startServer(server);
  const client = await app.newSession('TCP client');
  await app.connectClient(client, port);
  const device = await tcpClient(port);

  await server.getByLabel('Receive encoding').selectOption({ label: 'GBK' });
  device.socket.write(Buffer.from([0xce, 0xc2, 0xb6, 0xc8, 0x3d, 0x32, 0x35, 0x2e, 0x34, 0xa1, 0xe6, 0x0d, 0x0a])); // 温度=25.4℃ in GBK
  await client.getByLabel('Send encoding').selectOption({ label: 'GBK' });
  await app.send(client, '读取温度');
  await client.getByLabel('Send mode').selectOption({ label: 'Hex' });
  await client.getByLabel('Checksum').selectOption({ label: 'CRC-16/MODBUS' });
  await app.send(client, '01 03 00 00 00 02');
  await client.getByLabel('View', { exact: true }).selectOption({ label: 'Hex + text' });
  await expect(app.log(server).locator('.log-row.rx')).toHaveCount(3);

  await server
    .getByRole('table', { name: 'Connections' })
    .getByRole('checkbox', { name: `Select ${device.local}` })
    .check();
  await app.send(server, 'OK');
  await expect.poll(() => device.received().toString()).toBe('OK');
  await expect(server.getByText(/Rx \d+ B/)).toBeVisible();
  await page.screenshot({ path: target });
  device.socket.destroy();
});
