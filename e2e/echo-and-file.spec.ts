import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from './fixtures';
import { tcpClient } from './peers';

test('Echo sends back what arrives, and the log shows both directions', async ({ app }) => {
  const server = await app.newSession();
  await server.getByText('Options').click();
  await server.getByLabel('Echo (send back what arrives)').check();
  const port = await app.startServer(server);
  const peer = await tcpClient(port);
  peer.socket.write('ping 你好');
  await expect.poll(() => peer.received().toString()).toBe('ping 你好');
  const log = app.log(server);
  await expect(log.locator('.log-row.rx .log-content')).toHaveText('ping 你好');
  await expect(log.locator('.log-row.tx .log-content')).toHaveText('ping 你好');
  peer.socket.destroy();
});

test('Capture to file saves what arrives and says how much it wrote', async ({ app }) => {
  const folder = mkdtempSync(path.join(tmpdir(), 'sockpit-e2e-capture-'));
  try {
    const file = path.join(folder, 'received.bin');
    const server = await app.newSession();
    const port = await app.startServer(server);
    await app.openSettings(server);
    await server.getByText('Options').click();
    const box = server.getByRole('group', { name: 'Capture to file' });
    await box.getByLabel('File path').fill(file);
    await box.getByLabel('File format').selectOption({ label: 'Received bytes only (raw)' });
    await box.getByRole('button', { name: 'Save to file' }).click();
    const status = server.getByRole('note', { name: 'Capture file status' });
    await expect(status).toContainText(`Saving to ${file}`);

    const peer = await tcpClient(port);
    peer.socket.write('hello ');
    await expect(app.log(server).locator('.log-row.rx')).toHaveCount(1);
    peer.socket.write(Buffer.from([0x00, 0xff, 0x0a]));
    await expect(app.log(server).locator('.log-row.rx')).toHaveCount(2);

    await box.getByRole('button', { name: 'Close the file' }).click();
    await expect(status).toHaveAttribute('data-state', 'closed');
    await expect(status).toContainText(`Saved 9 B to ${file}`);
    expect(readFileSync(file)).toEqual(Buffer.concat([Buffer.from('hello '), Buffer.from([0x00, 0xff, 0x0a])]));
    peer.socket.destroy();
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
