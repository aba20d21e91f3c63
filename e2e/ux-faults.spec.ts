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
  // The name the app gave the session follows the language.
  const zhServer = app.pane('TCP 服务器 1');
  await zhServer.getByRole('button', { name: '暂停显示' }).click();
  await expect(zhServer.getByRole('button', { name: '恢复显示' })).toHaveAttribute('aria-pressed', 'true');
  await zhServer.getByRole('button', { name: '恢复显示' }).click();
  await expect(zhServer.getByRole('button', { name: '暂停显示' })).toBeVisible();
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

  // Rows found by their class, not by the pane's or the table's name: both follow the language below.
  const body = page.locator('.conn-body [role="row"]');
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
  await app.pane('TCP 服务器 1').getByRole('button', { name: '清除已关闭' }).click();
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

test('the counters keep their rounded look and carry the exact byte and datagram counts in their description', async ({
  app,
  page,
}) => {
  const server = await app.newSession();
  const port = await app.startServer(server);
  const sender = startPythonProgram(`
import socket
s = socket.create_connection(("127.0.0.1", ${port}))
s.sendall(b"x" * 1234567)
print("sent", flush=True)
s.recv(1)
`);
  await sender.waitForLine(/^sent/);
  const counters = server.getByRole('group', { name: 'Counters' });
  await expect(counters).toContainText('Rx 1.2 MiB · Tx 0 B');
  await expect(counters).toHaveAccessibleDescription('Received 1,234,567 bytes, sent 0 bytes');
  const row = server.locator('.conn-body [role="row"]').first();
  await expect(row.locator('[role="cell"]').nth(3)).toHaveText('1.2 MiB');
  await expect(row.locator('[role="cell"]').nth(3)).toHaveAttribute('title', '1,234,567 bytes');
  const sidebar = page.getByRole('navigation', { name: 'Sessions' });
  await expect(sidebar.getByRole('button', { name: 'Show TCP server 1' })).toHaveAccessibleDescription(
    'Received 1,234,567 bytes, sent 0 bytes',
  );

  const udp = await app.newSession('UDP');
  await udp.getByLabel('Local address').fill('127.0.0.1');
  await udp.getByLabel('Local port').fill('0');
  await udp.getByRole('button', { name: 'Start' }).click();
  const status = udp.getByRole('status').filter({ hasText: 'Bound to' });
  await expect(status).toBeVisible();
  const udpPort = Number(/:(\d+)\s*$/.exec(((await status.textContent()) ?? '').trim())?.[1]);
  const datagrams = startPythonProgram(`
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(1001):
    s.sendto(b"d" * 1000, ("127.0.0.1", ${udpPort}))
print("sent", flush=True)
`);
  await datagrams.waitForLine(/^sent/);
  const udpCounters = udp.getByRole('group', { name: 'Counters' });
  await expect(udpCounters).toHaveAccessibleDescription(
    'Received 1,001,000 bytes in 1,001 datagram(s), sent 0 bytes in 0 datagram(s)',
  );
  await expect(udpCounters).toContainText('Rx 977.5 KiB');

  await page.getByLabel('Language').selectOption({ label: '简体中文' });
  await expect(udp.getByRole('group', { name: '计数' })).toHaveAccessibleDescription(
    '已接收 1,001,000 字节（1,001 个数据报），已发送 0 字节（0 个数据报）',
  );
});

/** A tutorial python3 TCP server on a free port: says its port and each client's address, greets, then waits. */
function pythonServer(port = 0) {
  return startPythonProgram(`
import socket
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", ${port}))
srv.listen()
print("listening on port", srv.getsockname()[1], flush=True)
conn, addr = srv.accept()
print("client %s:%d" % addr, flush=True)
conn.sendall(b"hi\\n")
conn.settimeout(30)
try:
    while conn.recv(4096):
        pass
except OSError:
    pass
`);
}

test('a TCP client that connects writes one line saying where to and where from', async ({ app }) => {
  const server = pythonServer();
  const port = Number((await server.waitForLine(/listening on port (\d+)/))[1]);
  const client = await app.newSession('TCP client');
  await app.connectClient(client, port);
  const from = (await server.waitForLine(/^client (\S+)/))[1];
  const log = app.log(client);
  await expect(log.locator('.log-row.rx')).toHaveCount(1);
  await expect(log.locator('.log-row.note .log-content')).toHaveText([`Connected to 127.0.0.1:${port} from ${from}`]);
  // The row comes before the data it opened.
  await expect(log.locator('.log-row').first()).toHaveClass(/note/);
  await expect(log.locator('.log-row').nth(1)).toHaveClass(/rx/);

  // Closing adds its own lines; the connect is still told once.
  await client.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(client.getByRole('button', { name: 'Start' })).toBeVisible();
  await expect.poll(() => log.locator('.log-row.note').count()).toBeGreaterThan(1);
  const notes = await log.locator('.log-row.note .log-content').allTextContents();
  expect(notes.filter((text) => /connect/i.test(text))).toEqual([`Connected to 127.0.0.1:${port} from ${from}`]);
});

test('the Chinese sidebar says 收/发 like the status bar', async ({ app, page }) => {
  const server = await app.newSession();
  const port = await app.startServer(server);
  const peer = await tcpClient(port);
  peer.socket.write('12345');
  await expect(server.getByText('Rx 5 B · Tx 0 B')).toBeVisible();
  const sidebar = page.getByRole('navigation', { name: 'Sessions' });
  await expect(sidebar).toContainText('Listening · Rx 5 B · Tx 0 B');

  await page.getByLabel('Language').selectOption({ label: '简体中文' });
  const zhSidebar = page.getByRole('navigation', { name: '会话' });
  await expect(app.pane('TCP 服务器 1').locator('.status-line')).toContainText('收 5 B · 发 0 B');
  await expect(zhSidebar).toContainText('收 5 B · 发 0 B');
  await expect(zhSidebar).not.toContainText(/Rx|Tx/);
  peer.socket.destroy();
});

test('an error in the status line goes with the next success of the same kind', async ({ app }) => {
  // Send: a UDP datagram to a closed port is refused; the next one, to a listening python3 peer, clears it.
  const listener = startPythonProgram(`
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
closed = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
closed.bind(("127.0.0.1", 0))
print("ports", s.getsockname()[1], closed.getsockname()[1], flush=True)
closed.close()
s.settimeout(30)
data, addr = s.recvfrom(2048)
print("got", data.decode(), flush=True)
`);
  const [, listening, closedPort] = (await listener.waitForLine(/^ports (\d+) (\d+)/)).map(Number);
  const udp = await app.newSession('UDP');
  await udp.getByLabel('Local address').fill('127.0.0.1');
  await udp.getByLabel('Local port').fill('0');
  await udp.getByLabel('Remote host').fill('127.0.0.1');
  await udp.getByLabel('Remote port').fill(String(closedPort));
  await udp.getByRole('button', { name: 'Start' }).click();
  await expect(udp.getByRole('status').filter({ hasText: 'Bound to' })).toBeVisible();
  await app.send(udp, 'anyone there?');
  const alert = udp.locator('.status-line').getByRole('alert');
  await expect(alert).toContainText(`Nothing is listening on 127.0.0.1:${closedPort}`);
  await app.openSettings(udp);
  await udp.getByLabel('Remote port').fill(String(listening));
  await app.send(udp, 'hello');
  await listener.waitForLine(/^got hello/);
  await expect(alert).toHaveCount(0);

  // Start: a client that keeps retrying a port where nothing listens says why; once a python3 server opens
  // that port and the retry connects, the refusal is gone.
  const client = await app.newSession('TCP client');
  await client.getByLabel('Remote host').fill('127.0.0.1');
  await client.getByLabel('Remote port').fill(String(closedPort));
  await client.locator('summary', { hasText: 'Options' }).click();
  await client.getByLabel('Reconnect automatically').check();
  await client.getByLabel('Reconnect interval (ms)').fill('300');
  await client.getByRole('button', { name: 'Start' }).click();
  const clientAlert = client.locator('.status-line').getByRole('alert');
  await expect(clientAlert).toContainText(`Nothing is listening on 127.0.0.1:${closedPort}`);
  pythonServer(closedPort);
  await expect(client.getByRole('status').filter({ hasText: 'Connected to' })).toBeVisible({ timeout: 15_000 });
  await expect(clientAlert).toHaveCount(0);
});
