import { expect, test } from './fixtures';
import { tcpClient } from './peers';

// Repeat, the next send preview and the counter, driven through the real UI and the bridge, with a plain
// Node TCP client as the peer.

test('Repeat with interval 100 and Times 5 sends five messages, then says it is done', async ({ app }) => {
  const server = await app.newSession();
  const port = await app.startServer(server);
  const peer = await tcpClient(port);
  await expect(server.getByRole('table', { name: 'Connections' }).getByRole('row')).toHaveCount(2);
  await server.getByLabel('Message').fill('tick;');
  await server.getByRole('checkbox', { name: 'Repeat' }).check();
  await server.getByRole('spinbutton', { name: 'Interval (ms)' }).fill('100');
  await server.getByRole('spinbutton', { name: 'Times' }).fill('5');
  await server.getByRole('button', { name: 'Send', exact: true }).click();
  await expect.poll(() => peer.received().toString(), { timeout: 5000 }).toBe('tick;'.repeat(5));
  await expect(server.getByRole('note', { name: 'Repeat progress' })).toContainText('Sent 5; done.');
  // Nothing more arrives after the fifth.
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(peer.received().toString()).toBe('tick;'.repeat(5));
  peer.socket.destroy();
});

test('Stop repeating stops an endless repeat', async ({ app }) => {
  const server = await app.newSession();
  const port = await app.startServer(server);
  const peer = await tcpClient(port);
  await expect(server.getByRole('table', { name: 'Connections' }).getByRole('row')).toHaveCount(2);
  await server.getByLabel('Message').fill('x');
  await server.getByRole('checkbox', { name: 'Repeat' }).check();
  await server.getByRole('spinbutton', { name: 'Interval (ms)' }).fill('50');
  await server.getByRole('button', { name: 'Send', exact: true }).click();
  await expect.poll(() => peer.received().length).toBeGreaterThanOrEqual(3);
  const stop = server.getByRole('button', { name: 'Stop repeating' });
  await expect(stop).toBeEnabled();
  await stop.click();
  await expect(server.getByRole('note', { name: 'Repeat progress' })).toContainText('stopped');
  const atStop = peer.received().length;
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(peer.received().length).toBe(atStop);
  await expect(stop).toBeDisabled();
  peer.socket.destroy();
});

test('the preview shows the counter and checksum bytes of the next send, and moves on after a send', async ({
  app,
}) => {
  const server = await app.newSession();
  const port = await app.startServer(server);
  const peer = await tcpClient(port);
  await expect(server.getByRole('table', { name: 'Connections' }).getByRole('row')).toHaveCount(2);
  await server.getByLabel('Send mode').selectOption({ label: 'Hex' });
  await server.getByLabel('Message').fill('01 {counter}');
  await server.getByLabel('Checksum').selectOption('sum8');
  await server.getByLabel('Counter start').fill('5');
  await server.getByLabel('Counter width').selectOption({ label: '2 B' });
  const preview = server.getByRole('region', { name: 'Next send preview' });
  // 01, the counter 00 05, then sum8 of those: 06.
  await expect(preview).toContainText('01 00 05 06');
  await server.getByRole('button', { name: 'Send', exact: true }).click();
  await expect.poll(() => peer.received().toString('hex')).toBe('01000506');
  await expect(preview).toContainText('01 00 06 07');
  peer.socket.destroy();
});

test('the timed-send controls have their Chinese names', async ({ app, page }) => {
  await page.getByLabel('Language').selectOption({ label: '简体中文' });
  await page.getByRole('button', { name: '新建会话' }).click();
  const pane = page.getByRole('region', { name: 'TCP 服务器 1', exact: true });
  await expect(pane.getByRole('checkbox', { name: '重复发送' })).toBeVisible();
  await expect(pane.getByRole('spinbutton', { name: '间隔(毫秒)' })).toBeVisible();
  await expect(pane.getByRole('spinbutton', { name: '次数' })).toBeVisible();
  await expect(pane.getByRole('button', { name: '停止重复' })).toBeVisible();
  await expect(pane.getByRole('region', { name: '下次发送预览' })).toBeVisible();
  await page.getByLabel('语言').selectOption({ label: 'English' });
  void app;
});

test('a sequence built from the box sends its steps in order', async ({ app }) => {
  const server = await app.newSession();
  const port = await app.startServer(server);
  const peer = await tcpClient(port);
  await expect(server.getByRole('table', { name: 'Connections' }).getByRole('row')).toHaveCount(2);
  await server.getByText('Sequence', { exact: true }).click();
  await server.getByRole('spinbutton', { name: 'Delay after step (ms)' }).fill('50');
  for (const step of ['one;', 'two;']) {
    await server.getByLabel('Message').fill(step);
    await server.getByRole('button', { name: 'Add as step' }).click();
  }
  await expect(server.getByRole('list', { name: 'Sequence steps' }).getByRole('listitem')).toHaveCount(2);
  await server.getByRole('spinbutton', { name: 'Rounds' }).fill('2');
  await server.getByRole('button', { name: 'Run sequence' }).click();
  await expect.poll(() => peer.received().toString()).toBe('one;two;one;two;');
  await expect(server.getByRole('note', { name: 'Sequence progress' })).toContainText('Sent 4; done.');
  peer.socket.destroy();
});

test('a server greets each client with the greeting from its options', async ({ app }) => {
  const server = await app.newSession();
  await server.getByText('Options').click();
  await server.getByLabel('Greeting on connect').fill('welcome\\r\\n');
  const port = await app.startServer(server);
  const peer = await tcpClient(port);
  await expect.poll(() => peer.received().toString()).toBe('welcome\r\n');
  await expect(app.log(server).locator('.log-row.tx')).toHaveCount(1);
  peer.socket.destroy();
});
