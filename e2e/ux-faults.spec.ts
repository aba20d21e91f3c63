import { expect, test } from './fixtures';
import { startPythonProgram, stopAll } from '../test/helpers/processes';
import { tcpClient } from './peers';

test.afterEach(() => stopAll());

test('Pause view turns into "Resume view" while paused and back, in English and in Chinese', async ({ app, page }) => {
  const server = await app.newSession();
  const port = await app.startServer(server);
  const peer = await tcpClient(port);
  peer.socket.write('first');
  const rows = app.log(server).locator('.log-row.rx');
  await expect(rows).toHaveCount(1);

  await server.getByRole('button', { name: 'Pause view' }).click();
  await expect(server.getByRole('button', { name: 'Pause view' })).toHaveCount(0);
  const resume = server.getByRole('button', { name: 'Resume view' });
  await expect(resume).toHaveAttribute('aria-pressed', 'true');
  peer.socket.write('second');
  await expect(app.log(server)).toContainText('1 new row(s) waiting');
  await expect(rows).toHaveCount(1);
  await resume.click();
  await expect(rows).toHaveCount(2);
  await expect(server.getByRole('button', { name: 'Resume view' })).toHaveCount(0);
  await expect(server.getByRole('button', { name: 'Pause view' })).toHaveAttribute('aria-pressed', 'false');

  await page.getByLabel('Language').selectOption({ label: '简体中文' });
  await server.getByRole('button', { name: '暂停显示' }).click();
  await expect(server.getByRole('button', { name: '恢复显示' })).toHaveAttribute('aria-pressed', 'true');
  await server.getByRole('button', { name: '恢复显示' }).click();
  await expect(server.getByRole('button', { name: '暂停显示' })).toBeVisible();
  peer.socket.destroy();
});

test('the client list shows live clients first, closed ones dimmed after them, and "Clear closed" empties only the list', async ({
  app,
  page,
}) => {
  const server = await app.newSession();
  const port = await app.startServer(server);
  const table = server.getByRole('table', { name: 'Connections' });
  const toolbar = server.getByRole('toolbar', { name: 'Connections' });
  const clearClosed = toolbar.getByRole('button', { name: 'Clear closed' });
  await expect(clearClosed).toBeDisabled();

  const first = await tcpClient(port);
  first.socket.write('hello from the first');
  await expect(toolbar.getByText('1 client(s)')).toBeVisible();
  const second = await tcpClient(port);
  await expect(toolbar.getByText('2 client(s)')).toBeVisible();
  // The first one leaves; a third comes after it and is still listed above the one that left.
  first.socket.end();
  await expect(toolbar.getByText('1 client(s)')).toBeVisible();
  const third = await tcpClient(port);
  await expect(toolbar.getByText('2 client(s)')).toBeVisible();

  // Rows found in the pane, not by the table's name, which changes with the language below.
  const body = server.locator('.conn-body [role="row"]');
  const peers = () => body.locator('[role="cell"]:nth-child(2)').allTextContents();
  await expect.poll(peers).toEqual([second.local, third.local, first.local]);
  const closedRow = body.filter({ hasText: first.local });
  await expect(closedRow).toContainText('closed by the peer');
  const opacity = (row: typeof closedRow) => row.evaluate((element) => Number(getComputedStyle(element).opacity));
  expect(await opacity(closedRow)).toBeLessThan(1);
  expect(await opacity(body.filter({ hasText: second.local }))).toBe(1);

  await expect(clearClosed).toBeEnabled();
  await clearClosed.click();
  await expect.poll(peers).toEqual([second.local, third.local]);
  await expect(table).toHaveAttribute('aria-rowcount', '3');
  await expect(clearClosed).toBeDisabled();
  // The log keeps what the cleared client said.
  await expect(app.log(server)).toContainText('hello from the first');

  // A later close is listed again, and the button has its Chinese name.
  second.socket.end();
  await expect.poll(peers).toEqual([third.local, second.local]);
  await page.getByLabel('Language').selectOption({ label: '简体中文' });
  await server.getByRole('button', { name: '清除已关闭' }).click();
  await expect.poll(peers).toEqual([third.local]);
  third.socket.destroy();
});

test('removing a running session asks first (Escape and Cancel keep it); a stopped one goes without a question', async ({
  app,
  page,
}) => {
  const server = await app.newSession();
  const port = await app.startServer(server);
  const sidebar = page.getByRole('navigation', { name: 'Sessions' });
  const remove = sidebar.getByRole('button', { name: 'Remove TCP server 1' });
  const dialog = page.getByRole('alertdialog', { name: 'Remove running session?' });

  await remove.click();
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('"TCP server 1" is running');
  await expect(dialog).toContainText('its log goes too');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(app.pane('TCP server 1')).toBeVisible();

  await remove.click();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  // Still listening: a python3 client connects and is seen.
  const probe = `
import socket
s = socket.create_connection(("127.0.0.1", ${port}), timeout=5)
s.sendall(b"still here")
s.close()
print("sent", flush=True)
`;
  await startPythonProgram(probe).waitForLine(/^sent/);
  await expect(app.log(server)).toContainText('still here');

  await remove.click();
  await dialog.getByRole('button', { name: 'Remove' }).click();
  await expect(app.pane('TCP server 1')).toHaveCount(0);
  await expect(remove).toHaveCount(0);
  // Gone for real: its port refuses a python3 client.
  const refused = startPythonProgram(`
import socket
try:
    socket.create_connection(("127.0.0.1", ${port}), timeout=5)
    print("connected", flush=True)
except ConnectionRefusedError:
    print("refused", flush=True)
`);
  await refused.waitForLine(/^refused/);

  // A stopped session is removed at once; the question comes in Chinese when the UI is.
  await app.newSession();
  await sidebar.getByRole('button', { name: 'Remove TCP server 1' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(app.pane('TCP server 1')).toHaveCount(0);

  await page.getByLabel('Language').selectOption({ label: '简体中文' });
  await page.getByRole('button', { name: '新建会话' }).click();
  const zhPane = app.pane('TCP 服务器 1');
  await zhPane.getByLabel('本地地址').fill('127.0.0.1');
  await zhPane.getByLabel('本地端口').fill('0');
  await zhPane.getByRole('button', { name: '启动' }).click();
  await expect(zhPane.getByRole('status').filter({ hasText: '正在监听' })).toBeVisible();
  await page.getByRole('navigation', { name: '会话' }).getByRole('button', { name: '删除 TCP 服务器 1' }).click();
  const zhDialog = page.getByRole('alertdialog', { name: '删除运行中的会话？' });
  await expect(zhDialog).toContainText('它的日志也会一并删除');
  await zhDialog.getByRole('button', { name: '删除' }).click();
  await expect(zhPane).toHaveCount(0);
});
