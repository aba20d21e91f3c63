import { test, expect } from './fixtures';
import { startPeerOnFreePort } from '../test/helpers/processes';

// Errors read in the interface's language: the engine sends a key and parameters, the page words them.

test('in Chinese, a port a python3 server holds is reported in Chinese, naming python3 and its pid', async ({
  app,
  page,
}) => {
  const { peer, port } = await startPeerOnFreePort('recv_print_server.py');
  await page.getByLabel('Language').selectOption({ label: '简体中文' });
  await page.getByRole('button', { name: '新建会话' }).click();
  const pane = app.pane('TCP 服务器 1');
  await pane.getByLabel('本地地址').fill('127.0.0.1');
  await pane.getByLabel('本地端口').fill(String(port));
  await pane.getByRole('button', { name: '启动' }).click();
  const alert = pane.locator('.status-line').getByRole('alert');
  await expect(alert).toContainText(`127.0.0.1 上的端口 ${port} 已被 python3`);
  await expect(alert).toContainText(`（进程号 ${peer.process.pid}）占用。`);
  await expect(alert).toContainText('提示: 请停止 python3');
  await expect(alert).not.toContainText('already in use');

  // Back in English the same error reads as it always has.
  await page.getByLabel('语言').selectOption({ label: 'English' });
  const english = app.pane('TCP server 1').locator('.status-line').getByRole('alert');
  await expect(english).toContainText(`Port ${port} on 127.0.0.1 is already in use by python3`);
  await expect(english).toContainText(`(pid ${peer.process.pid}).`);
  await expect(english).toContainText('Hint: Stop python3');
});

test('in Chinese, bad hex in the send box says where, in Chinese; in English as before', async ({ app, page }) => {
  await page.getByLabel('Language').selectOption({ label: '简体中文' });
  await page.getByRole('button', { name: '新建会话' }).click();
  const pane = app.pane('TCP 服务器 1');
  await pane.getByLabel('发送模式').selectOption({ label: '十六进制' });
  await pane.getByRole('textbox', { name: '消息', exact: true }).fill('48 65 6G');
  const alert = pane.getByRole('alert').filter({ hasText: '十六进制：' });
  await expect(alert).toContainText('第 1 行第 8 列（位置 7）的 "G" 不是十六进制字符。');
  await expect(alert.locator('mark')).toHaveText('G');
  await expect(pane.getByRole('button', { name: '发送', exact: true })).toBeDisabled();

  await page.getByLabel('语言').selectOption({ label: 'English' });
  const english = app.pane('TCP server 1').getByRole('alert').filter({ hasText: 'Hex:' });
  await expect(english).toContainText('Invalid hex character "G" at position 7 (line 1, column 8).');
});

test('a session the app named follows the language; one the user named keeps its name', async ({ app, page }) => {
  await app.newSession();
  await app.newSession('UDP');
  const sidebar = page.getByRole('navigation', { name: 'Sessions' });
  await sidebar.getByRole('button', { name: 'Rename UDP 1' }).click();
  await sidebar.getByRole('textbox', { name: 'Rename UDP 1' }).fill('Sensor feed');
  await page.keyboard.press('Enter');
  await expect(app.pane('Sensor feed')).toBeVisible();

  await page.getByLabel('Language').selectOption({ label: '简体中文' });
  await expect(app.pane('TCP 服务器 1')).toBeVisible();
  await expect(app.pane('Sensor feed')).toBeVisible();
  await expect(page.getByRole('navigation', { name: '会话' })).toContainText('收');

  await page.getByLabel('语言').selectOption({ label: 'English' });
  await expect(app.pane('TCP server 1')).toBeVisible();
});

test('in Chinese, the settings the page checks before sending say what is wrong in Chinese', async ({ app, page }) => {
  await page.getByLabel('Language').selectOption({ label: '简体中文' });
  await page.getByRole('button', { name: '新建会话' }).click();
  const pane = app.pane('TCP 服务器 1');
  await pane.getByLabel('本地端口').fill('70000');
  await pane.getByRole('button', { name: '启动' }).click();
  await expect(pane.locator('.status-line').getByRole('alert')).toContainText('端口最大为 65535。');

  await page.getByLabel('语言').selectOption({ label: 'English' });
  await expect(app.pane('TCP server 1').locator('.status-line').getByRole('alert')).toContainText(
    'The port must be at most 65535.',
  );
});
