import { expect, test } from './fixtures';
import { startPeer, startPeerOnFreePort, stopAll } from '../test/helpers/processes';
import { tcpClient } from './peers';

test.afterEach(() => stopAll());

test('a TCP server and a client side by side exchange a pasted multi-line message, seen as text and as hex', async ({
  app,
  page,
}) => {
  const server = await app.newSession();
  const port = await app.startServer(server);
  const client = await app.newSession('TCP client');
  await app.connectClient(client, port);

  // Side by side: both panes visible at once, the client to the right of the server.
  const serverBox = (await server.boundingBox())!;
  const clientBox = (await client.boundingBox())!;
  expect(clientBox.x).toBeGreaterThanOrEqual(serverBox.x + serverBox.width - 10);
  expect(Math.abs(clientBox.y - serverBox.y)).toBeLessThan(5);

  // Pasted, as a person pastes a block of lines into the message box.
  const message = client.getByLabel('Message');
  await message.focus();
  await page.keyboard.insertText('line one\nline two\n第三行');
  await client.getByRole('button', { name: 'Send', exact: true }).click();

  const serverLog = app.log(server);
  await expect(serverLog.locator('.log-row.rx .log-content')).toHaveText('line one\nline two\n第三行');
  await expect(app.log(client).locator('.log-row.tx .log-content')).toHaveText('line one\nline two\n第三行');
  await expect(server.getByRole('table', { name: 'Connections' }).getByRole('row')).toHaveCount(2);

  await server.getByLabel('View', { exact: true }).selectOption({ label: 'Hex' });
  await expect(serverLog.locator('.log-row.rx .log-content')).toHaveText(
    '6C 69 6E 65 20 6F 6E 65 0A 6C 69 6E 65 20 74 77 6F 0A E7 AC AC E4 B8 89 E8 A1 8C',
  );
  await server.getByLabel('View', { exact: true }).selectOption({ label: 'Hex + text' });
  await expect(serverLog.locator('.log-row.rx .log-content')).toContainText('|line one.line tw|');
});

test('a server replies to one chosen client while two are connected, then to all', async ({ app }) => {
  const server = await app.newSession();
  const port = await app.startServer(server);
  const first = await tcpClient(port);
  const second = await tcpClient(port);
  const table = server.getByRole('table', { name: 'Connections' });
  await expect(table.getByRole('row')).toHaveCount(3);

  await table.getByRole('checkbox', { name: `Select ${first.local}` }).check();
  await expect(server.getByLabel('Send to')).toHaveValue('selected');
  await app.send(server, 'only you');
  await expect.poll(() => first.received().toString()).toBe('only you');

  await server.getByLabel('Send to').selectOption({ label: 'All clients' });
  await app.send(server, '|everyone');
  await expect.poll(() => first.received().toString()).toBe('only you|everyone');
  await expect.poll(() => second.received().toString()).toBe('|everyone');
  // The second client never saw the first reply: its whole stream is the broadcast alone.
  expect(second.received().toString()).toBe('|everyone');

  await table.getByRole('checkbox', { name: `Select ${second.local}` }).check();
  await server.getByRole('button', { name: 'Disconnect' }).click();
  await expect(table.getByRole('row').filter({ hasText: second.local })).toContainText('disconnected by you');
  first.socket.destroy();
  second.socket.destroy();
});

test('Chinese sent as GBK reads as invalid bytes under UTF-8 and correctly after switching the receive encoding, without resending', async ({
  app,
}) => {
  const server = await app.newSession();
  const port = await app.startServer(server);
  const peer = startPeer('gbk_tcp_client.py', ['127.0.0.1', port]);
  await peer.waitForLine(/sent:/);

  const row = app.log(server).locator('.log-row.rx .log-content');
  // 你好，Sockpit in GBK is C4 E3 BA C3 A3 AC, then ASCII. Read as UTF-8 that is garbage: C3 A3
  // happens to be "ã", and every other byte is invalid and shown as itself, not dropped.
  await expect(row).toHaveText('\\xC4\\xE3\\xBAã\\xACSockpit');
  await expect(row.locator('.bad-bytes')).toHaveText(['\\xC4\\xE3\\xBA', '\\xAC']);

  await server.getByLabel('Receive encoding').selectOption({ label: 'GBK' });
  await expect(row).toHaveText('你好，Sockpit');
  await expect(row.locator('.bad-bytes')).toHaveCount(0);
  await expect(app.log(server).locator('.log-row.rx')).toHaveCount(1);

  // The device reads GBK and answers UTF-8; the send encoding is chosen apart from the receive one.
  await server.getByLabel('Send encoding').selectOption({ label: 'GBK' });
  await app.send(server, '收到');
  const reply = await peer.waitForLine(/reply hex: (\w+)/);
  expect(reply[1]).toBe(Buffer.from([0xca, 0xd5, 0xb5, 0xbd]).toString('hex'));
});

test('GBK and UTF-8 text and hex between two panes', async ({ app }) => {
  const server = await app.newSession();
  const port = await app.startServer(server);
  const client = await app.newSession('TCP client');
  await app.connectClient(client, port);

  await client.getByLabel('Send encoding').selectOption({ label: 'GBK' });
  await app.send(client, '温度=25℃');
  await server.getByLabel('Receive encoding').selectOption({ label: 'GBK' });
  await expect(app.log(server).locator('.log-row.rx .log-content').last()).toHaveText('温度=25℃');

  await client.getByLabel('Send mode').selectOption({ label: 'Hex' });
  await client.getByLabel('Checksum').selectOption({ label: 'CRC-16/MODBUS' });
  await app.send(client, '01 03 00 00 00 0A');
  await server.getByLabel('View', { exact: true }).selectOption({ label: 'Hex' });
  await expect(app.log(server).locator('.log-row.rx .log-content').last()).toHaveText('01 03 00 00 00 0A C5 CD');
});

test('a hex message with a typo shows where the problem is before anything is sent', async ({ app }) => {
  const server = await app.newSession();
  await app.startServer(server);
  await server.getByLabel('Send mode').selectOption({ label: 'Hex' });
  await server.getByLabel('Message').fill('48 65 6G');
  await expect(server.getByRole('alert')).toContainText('"G" at position 7');
  await expect(server.getByRole('alert').locator('mark')).toHaveText('G');
  await expect(server.getByRole('button', { name: 'Send', exact: true })).toBeDisabled();
});

test('UDP round trip with a python3 peer', async ({ app }) => {
  const { peer, port } = await startPeerOnFreePort('udp_echo_server.py');
  const udp = await app.newSession('UDP');
  await udp.getByLabel('Local address').fill('127.0.0.1');
  await udp.getByLabel('Local port').fill('0');
  await udp.getByLabel('Remote host').fill('127.0.0.1');
  await udp.getByLabel('Remote port').fill(String(port));
  await udp.getByRole('button', { name: 'Start' }).click();
  await expect(udp.getByRole('status').filter({ hasText: 'Bound to 127.0.0.1:' })).toBeVisible();
  await app.send(udp, 'ping');
  const rx = app.log(udp).locator('.log-row.rx');
  await expect(rx.locator('.log-content')).toHaveText('ACK PING');
  await expect(rx.locator('.log-peer')).toHaveText(`127.0.0.1:${port}`);
  await peer.waitForLine(/got 70696e67/);
});

test('a busy port explains itself in plain words', async ({ app }) => {
  const { port } = await startPeerOnFreePort('gbk_tcp_server.py');
  const server = await app.newSession();
  await server.getByLabel('Local address').fill('127.0.0.1');
  await server.getByLabel('Local port').fill(String(port));
  await server.getByRole('button', { name: 'Start' }).click();
  const alert = server.getByRole('alert');
  await expect(alert).toContainText(`Port ${port} on 127.0.0.1 is already in use`);
  await expect(alert).toContainText('python');
  await expect(alert).toContainText(/choose another port/i);
  await expect(server.getByRole('button', { name: 'Start' })).toBeVisible();
});

test('a peer that resets the connection shows "reset"', async ({ app }) => {
  const server = await app.newSession();
  const port = await app.startServer(server);
  const peer = startPeer('rst_client.py', ['127.0.0.1', port]);
  await peer.waitForLine(/reset sent/);
  await expect(app.log(server).locator('.log-row.rx .log-content')).toHaveText('goodbye');
  await expect(app.log(server).locator('.log-row.note').last()).toContainText('reset');
  await expect(server.getByRole('table', { name: 'Connections' }).getByRole('row').nth(1)).toContainText(
    'reset by the peer',
  );
});

test('received markup stays text in every view', async ({ app, page }) => {
  const server = await app.newSession();
  const port = await app.startServer(server);
  const peer = await tcpClient(port);
  const markup = '<img src=x onerror=window.__pwned=1><script>window.__pwned=2</script>';
  peer.socket.write(markup);
  const content = app.log(server).locator('.log-row.rx .log-content');
  await expect(content).toHaveText(markup);
  for (const view of ['Hex', 'Hex + text', 'Text'])
    await server.getByLabel('View', { exact: true }).selectOption({ label: view });
  await expect(content).toHaveText(markup);
  expect(await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned)).toBeUndefined();
  expect(await app.log(server).locator('img, script').count()).toBe(0);
  peer.socket.destroy();
});

test('a tab that closes leaves sessions running, and a new tab gets them back with their log', async ({
  app,
  page,
  context,
  bridge,
}) => {
  const server = await app.newSession();
  const port = await app.startServer(server);
  const peer = await tcpClient(port);
  peer.socket.write('before the tab closed');
  await expect(app.log(server).locator('.log-row.rx')).toHaveCount(1);
  await page.close();

  peer.socket.write('|while no tab was open');
  await new Promise((resolve) => setTimeout(resolve, 300));
  const again = await context.newPage();
  await again.goto(bridge.url);
  const pane = again.getByRole('region', { name: 'TCP server 1', exact: true });
  await expect(pane.getByRole('status').filter({ hasText: `Listening on 127.0.0.1:${port}` })).toBeVisible();
  await expect(pane.getByRole('region', { name: 'Log' }).locator('.log-row.rx .log-content')).toHaveText([
    'before the tab closed',
    '|while no tab was open',
  ]);
  await expect(pane.getByRole('table', { name: 'Connections' }).getByRole('row')).toHaveCount(2);
  peer.socket.destroy();
});

test('pause view freezes the log while capture goes on; clear empties it', async ({ app }) => {
  const server = await app.newSession();
  const port = await app.startServer(server);
  const peer = await tcpClient(port);
  peer.socket.write('first');
  const rows = app.log(server).locator('.log-row.rx');
  await expect(rows).toHaveCount(1);
  await server.getByRole('button', { name: 'Pause view' }).click();
  await expect(server.getByRole('button', { name: 'Resume view' })).toHaveAttribute('aria-pressed', 'true');
  peer.socket.write('second');
  await expect(app.log(server)).toContainText('1 new row(s) waiting');
  await expect(rows).toHaveCount(1);
  await server.getByRole('button', { name: 'Resume view' }).click();
  await expect(rows).toHaveCount(2);
  await server.getByRole('button', { name: 'Clear log' }).click();
  await expect(rows).toHaveCount(0);
  peer.socket.destroy();
});

test('the interface switches to Chinese with the same structure', async ({ app, page }) => {
  await page.getByLabel('Language').selectOption({ label: '简体中文' });
  await expect(page.getByRole('button', { name: '新建会话' })).toBeVisible();
  await page.getByRole('button', { name: '新建会话' }).click();
  const pane = page.getByRole('region', { name: 'TCP 服务器 1', exact: true });
  await expect(pane.getByLabel('会话类型')).toBeVisible();
  await expect(pane.getByRole('button', { name: '启动' })).toBeVisible();
  await expect(pane.getByRole('region', { name: '日志' })).toBeVisible();
  await expect(pane.getByRole('table', { name: '连接' })).toBeVisible();
  await page.getByLabel('语言').selectOption({ label: 'English' });
  await expect(page.getByRole('button', { name: 'New session' })).toBeVisible();
  void app;
});

test('sessions are renamed, duplicated and removed from the sidebar; four panes show four sessions', async ({
  app,
  page,
}) => {
  const sidebar = page.getByRole('navigation', { name: 'Sessions' });
  const server = await app.newSession();
  const port = await app.startServer(server);

  await sidebar.getByRole('button', { name: 'Rename TCP server 1' }).click();
  await sidebar.getByRole('textbox', { name: 'Rename TCP server 1' }).fill('PLC gateway');
  await page.keyboard.press('Enter');
  const renamed = app.pane('PLC gateway');
  await expect(renamed.getByRole('status').filter({ hasText: `Listening on 127.0.0.1:${port}` })).toBeVisible();

  // The pane count changes only when asked: a second pane first, which the copy then fills.
  await page.getByLabel('Panes', { exact: true }).selectOption({ label: '2 pane(s)' });
  await sidebar.getByRole('button', { name: 'Duplicate PLC gateway' }).click();
  const copy = app.pane('TCP server 1');
  await expect(copy.getByLabel('Local port')).toHaveValue('0');
  await expect(copy.getByRole('button', { name: 'Start' })).toBeVisible();

  await app.newSession('UDP');
  await app.newSession('TCP client');
  await expect(page.locator('section.pane')).toHaveCount(4);
  const boxes = await page
    .locator('section.pane')
    .evaluateAll((panes) => panes.map((p) => p.getBoundingClientRect().x));
  expect([...boxes].sort((a, b) => a - b)).toEqual(boxes);

  await page.getByLabel('Panes', { exact: true }).selectOption({ label: '2 pane(s)' });
  await expect(page.locator('section.pane')).toHaveCount(2);
  await page.getByRole('tab', { name: 'UDP 1' }).click();
  await expect(app.pane('UDP 1')).toBeVisible();

  await sidebar.getByRole('button', { name: 'Remove PLC gateway' }).click();
  // It is running, so the × asks first.
  await page
    .getByRole('alertdialog', { name: 'Remove running session?' })
    .getByRole('button', { name: 'Remove' })
    .click();
  await expect(app.pane('PLC gateway')).toHaveCount(0);
  await expect(sidebar.getByRole('button', { name: /PLC gateway/ })).toHaveCount(0);
  // Removing a running server closes its socket: the port is free for a new listener at once.
  const again = await app.newSession();
  expect(await app.startServer(again, String(port))).toBe(port);
});

test('counters show what crossed the wire', async ({ app }) => {
  const server = await app.newSession();
  const port = await app.startServer(server);
  const peer = await tcpClient(port);
  peer.socket.write('12345');
  await expect(server.getByText('Rx 5 B · Tx 0 B')).toBeVisible();
  await expect(server.getByRole('table', { name: 'Connections' }).getByRole('row').nth(1)).toContainText('5 B');
  peer.socket.destroy();
});

test('a UDP session answers whoever sent last, and sends anywhere while bound', async ({ app }) => {
  const dgram = await import('node:dgram');
  const udp = await app.newSession('UDP');
  await udp.getByLabel('Local address').fill('127.0.0.1');
  await udp.getByLabel('Local port').fill('0');
  await udp.getByRole('button', { name: 'Start' }).click();
  const bound = udp.getByRole('status').filter({ hasText: 'Bound to 127.0.0.1:' });
  await expect(bound).toBeVisible();
  const port = Number(/:(\d+)$/.exec(((await bound.textContent()) ?? '').trim())![1]);

  const device = dgram.createSocket('udp4');
  const received: string[] = [];
  device.on('message', (message) => received.push(message.toString()));
  await new Promise<void>((resolve) => device.bind(0, '127.0.0.1', resolve));
  device.send('hello from a device', port, '127.0.0.1');
  await expect(app.log(udp).locator('.log-row.rx .log-content')).toHaveText('hello from a device');

  await udp.getByLabel('Send to').selectOption({ label: 'Whoever sent last' });
  await udp.getByLabel('Message').fill('hi back');
  await udp.getByLabel('Message').press('Control+Enter');
  await expect.poll(() => received).toEqual(['hi back']);

  // The remote fields stay editable while bound: point them at the device and send again.
  await udp.getByLabel('Send to').selectOption({ label: 'Remote host and port' });
  await app.openSettings(udp);
  await udp.getByLabel('Remote host').fill('127.0.0.1');
  await udp.getByLabel('Remote port').fill(String(device.address().port));
  await app.send(udp, 'direct');
  await expect.poll(() => received).toEqual(['hi back', 'direct']);
  device.close();
});

test('a TCP client half-closes: the server sees FIN and can still answer', async ({ app }) => {
  const net = await import('node:net');
  const events: string[] = [];
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    socket.on('data', (data) => events.push(`data:${data}`));
    socket.on('end', () => {
      events.push('end');
      socket.end('still here');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const client = await app.newSession('TCP client');
  await app.connectClient(client, port);
  await app.send(client, 'last words');
  await expect.poll(() => events).toEqual(['data:last words']);
  await app.openSettings(client);
  await client.getByRole('button', { name: 'Half-close' }).click();
  await expect.poll(() => events).toEqual(['data:last words', 'end']);
  await expect(app.log(client).locator('.log-row.rx .log-content')).toHaveText('still here');
  server.close();
});

test('the theme follows the system until the person picks one', async ({ app, page }) => {
  const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect.poll(theme).toBe('dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect.poll(theme).toBe('light');
  await page.getByLabel('Theme').selectOption({ label: 'Dark' });
  await expect.poll(theme).toBe('dark');
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).toBe('rgb(21, 24, 30)');
  await page.reload();
  await expect.poll(theme).toBe('dark');
  await page.getByLabel('Theme').selectOption({ label: 'Follow system' });
  void app;
});

test('a character cut between two TCP reads is shown whole, and an unfinished one at the end as bytes', async ({
  app,
}) => {
  const server = await app.newSession();
  const port = await app.startServer(server);
  await server.getByLabel('Receive encoding').selectOption({ label: 'GBK' });
  const peer = await tcpClient(port);
  const rows = app.log(server).locator('.log-row.rx .log-content');
  // 你好 in GBK is C4 E3 BA C3; the second character is cut after its first byte.
  peer.socket.write(Buffer.from([0xc4, 0xe3, 0xba]));
  await expect(rows).toHaveText(['你\\xBA']);
  await new Promise((resolve) => setTimeout(resolve, 100));
  peer.socket.write(Buffer.from([0xc3, 0x21]));
  await expect(rows).toHaveText(['你', '好!']);
  peer.socket.destroy();
});

test('panes are resized by dragging the divider between them', async ({ app, page }) => {
  const left = await app.newSession();
  const right = await app.newSession();
  const widthOf = async () => (await left.boundingBox())!.width;
  const before = await widthOf();
  const divider = page.getByRole('separator', { name: 'Resize panes' });
  const box = (await divider.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + 200);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 - 200, box.y + 200, { steps: 5 });
  await page.mouse.up();
  expect(await widthOf()).toBeLessThan(before - 150);
  await expect(right).toBeVisible();
});

test('a short-connection client opens one connection per send and reports each exchange', async ({ app }) => {
  const net = await import('node:net');
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    socket.on('data', (data) => socket.end(`pong:${data}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const client = await app.newSession('TCP client');
  await client.getByText('Options').click();
  await client.getByLabel('Connection mode').selectOption({ label: 'Short (one per send)' });
  await client.getByLabel('Remote host').fill('127.0.0.1');
  await client.getByLabel('Remote port').fill(String(port));
  await client.getByRole('button', { name: 'Start' }).click();
  await expect(client.getByRole('status')).toHaveText('Ready');
  await app.send(client, 'one');
  await expect(app.log(client).locator('.log-row.rx .log-content')).toHaveText(['pong:one']);
  await app.send(client, 'two');
  await expect(app.log(client).locator('.log-row.rx .log-content')).toHaveText(['pong:one', 'pong:two']);
  await expect(app.log(client).locator('.log-row.note', { hasText: 'exchange' })).toHaveCount(2);
  expect(connections).toBe(2);
  server.close();
});

test('a long record shows its start, more on request, and the part the batch did not carry from the capture', async ({
  app,
}) => {
  const net = await import('node:net');
  let received = 0;
  const device = net.createServer((socket) => socket.on('data', (data) => (received += data.length)));
  await new Promise<void>((resolve) => device.listen(0, '127.0.0.1', resolve));
  const client = await app.newSession('TCP client');
  await app.connectClient(client, (device.address() as { port: number }).port);
  const message = '0123456789'.repeat(10_000);
  await app.send(client, message);
  await expect.poll(() => received).toBe(100_000);

  const row = app.log(client).locator('.log-row.tx');
  await expect(row).toHaveAttribute('data-bytes', '100000');
  const omitted = row.locator('.omitted');
  await expect(omitted).toContainText(`${100_000 - 1024} more bytes`);
  // The view formats a slice at a time; the batch carried the first 64 KiB, the rest comes from the capture.
  const showMore = omitted.getByRole('button', { name: /^Show .* more$/ });
  for (let i = 0; i < 4 && (await showMore.isVisible()); i++) await showMore.click();
  await omitted.getByRole('button', { name: /^Load the rest/ }).click();
  await expect(showMore).toBeVisible();
  for (let i = 0; i < 4 && (await omitted.count()) > 0; i++) await showMore.click();
  await expect(omitted).toHaveCount(0);
  await expect(row.locator('.log-content')).toHaveText(message);
  device.close();
});
