import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startPeer, stopAll } from '../test/helpers/processes';
import { expect, test, type App } from './fixtures';
import type { Locator } from '@playwright/test';

// "Send file…" in a browser page: the page reads the picked file and pushes it through the bridge.

let folder: string;
test.beforeAll(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'sockpit-e2e-file-'));
});
test.afterAll(() => rmSync(folder, { recursive: true, force: true }));
test.afterEach(stopAll);

async function pickFile(app: App, pane: Locator, file: string): Promise<void> {
  const chooser = app.page.waitForEvent('filechooser');
  await pane.getByRole('button', { name: 'Send file…' }).click();
  await (await chooser).setFiles(file);
}

test('Send file… sends a 5 MiB file through the bridge to a python3 server, byte for byte', async ({ app }) => {
  const size = 5 * 1024 * 1024 + 3;
  const data = randomBytes(size);
  const file = path.join(folder, 'firmware.bin');
  writeFileSync(file, data);
  const peer = startPeer('sha256_tcp_server.py', [0, size]);
  const port = Number((await peer.waitForLine(/listening on port (\d+)/))[1]);

  const client = await app.newSession('TCP client');
  await app.connectClient(client, port);
  await pickFile(app, client, file);

  await expect(client.getByRole('status').filter({ hasText: 'Sent firmware.bin: 5.0 MiB' })).toBeVisible({
    timeout: 30_000,
  });
  await expect(client.getByRole('progressbar', { name: 'File send progress' })).toHaveAttribute('value', '100');
  const line = await peer.waitForLine(/received (\d+) sha256 (\w+)/, 30_000);
  expect(Number(line[1])).toBe(size);
  expect(line[2]).toBe(createHash('sha256').update(data).digest('hex'));
});

test('Cancel stops a large file that the receiver does not read', async ({ app }) => {
  const file = path.join(folder, 'disk.img');
  writeFileSync(file, '');
  truncateSync(file, 512 * 1024 * 1024);
  const server = await app.newSession();
  const port = await app.startServer(server);
  const reader = startPeer('stalled_tcp_client.py', ['127.0.0.1', port, 60]);
  await reader.waitForLine(/connected/);
  await expect(server.getByRole('row').filter({ hasText: '127.0.0.1' })).toHaveCount(1);

  await pickFile(app, server, file);
  await expect(server.getByRole('status').filter({ hasText: /^Sending disk\.img: / })).toBeVisible();
  await expect(server.getByRole('button', { name: 'Send file…' })).toBeDisabled();
  await server.getByRole('button', { name: 'Cancel' }).click();
  await expect(
    server
      .getByRole('status')
      .filter({ hasText: /^Stopped sending disk\.img after [\d.]+ (B|KiB|MiB) of 512\.0 MiB\.$/ }),
  ).toBeVisible();
  await expect(server.getByRole('button', { name: 'Cancel' })).toHaveCount(0);
  await expect(server.getByRole('button', { name: 'Send file…' })).toBeEnabled();
});

test('UDP: Send file… splits the file into datagrams of the size typed, in order', async ({ app }) => {
  const size = 20_500;
  const data = randomBytes(size);
  const file = path.join(folder, 'table.csv');
  writeFileSync(file, data);
  const peer = startPeer('udp_datagram_log.py', [0, 21]);
  const port = Number((await peer.waitForLine(/listening on port (\d+)/))[1]);
  const udp = await app.newSession('UDP');
  await udp.getByLabel('Local address').fill('127.0.0.1');
  await udp.getByLabel('Local port').fill('0');
  await udp.getByLabel('Remote host').fill('127.0.0.1');
  await udp.getByLabel('Remote port').fill(String(port));
  await udp.getByRole('button', { name: 'Start' }).click();
  await expect(udp.getByRole('status').filter({ hasText: 'Bound to 127.0.0.1:' })).toBeVisible();
  await udp.getByLabel('Datagram size (bytes)').fill('1000');
  await udp.getByLabel('Pause between datagrams (ms)').fill('1');
  await pickFile(app, udp, file);
  await expect(udp.getByRole('status').filter({ hasText: 'Sent table.csv: 20.0 KiB' })).toBeVisible();
  const sizes = (await peer.waitForLine(/^sizes (.*)/, 20_000))[1].split(',').map(Number);
  expect(sizes).toEqual([...Array(20).fill(1000), 500]);
  expect((await peer.waitForLine(/datagrams \d+ sha256 (\w+)/))[1]).toBe(
    createHash('sha256').update(data).digest('hex'),
  );
});

test('a datagram size UDP cannot carry is refused in words before anything is sent', async ({ app }) => {
  const file = path.join(folder, 'small.bin');
  writeFileSync(file, 'x');
  const udp = await app.newSession('UDP');
  await udp.getByLabel('Local address').fill('127.0.0.1');
  await udp.getByLabel('Local port').fill('0');
  await udp.getByLabel('Remote host').fill('127.0.0.1');
  await udp.getByLabel('Remote port').fill('9');
  await udp.getByRole('button', { name: 'Start' }).click();
  await expect(udp.getByRole('status').filter({ hasText: 'Bound to 127.0.0.1:' })).toBeVisible();
  await udp.getByLabel('Datagram size (bytes)').fill('70000');
  await pickFile(app, udp, file);
  await expect(udp.getByText('A UDP datagram carries at most 65507 bytes over IPv4; 70000 is too many.')).toBeVisible();
  await expect(udp.getByRole('progressbar', { name: 'File send progress' })).toHaveCount(0);
});

test('in Chinese the same controls read 发送文件…, 文件发送进度 and 取消', async ({ app, page }) => {
  const file = path.join(folder, 'zh.img');
  writeFileSync(file, '');
  truncateSync(file, 512 * 1024 * 1024);
  let server = await app.newSession();
  const port = await app.startServer(server);
  const reader = startPeer('stalled_tcp_client.py', ['127.0.0.1', port, 60]);
  await reader.waitForLine(/connected/);
  await expect(server.getByRole('row').filter({ hasText: '127.0.0.1' })).toHaveCount(1);
  await page.getByLabel('Language').selectOption({ label: '简体中文' });
  // The name the app gave the session follows the language.
  server = app.pane('TCP 服务器 1');

  const chooser = page.waitForEvent('filechooser');
  await server.getByRole('button', { name: '发送文件…' }).click();
  await (await chooser).setFiles(file);
  await expect(server.getByRole('progressbar', { name: '文件发送进度' })).toBeVisible();
  await expect(server.getByRole('status').filter({ hasText: /^正在发送 zh\.img：/ })).toBeVisible();
  await server.getByRole('button', { name: '取消' }).click();
  await expect(
    server.getByRole('status').filter({ hasText: /^已停止发送 zh\.img：已发送 .* \/ 512\.0 MiB。$/ }),
  ).toBeVisible();
  await page.getByLabel('语言').selectOption({ label: 'English' });
});
