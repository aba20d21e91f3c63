import { expect, test } from './fixtures';
import { startPeer, stopAll } from '../test/helpers/processes';
import { tcpClient } from './peers';

// Framing as a person uses it: a device's bytes arrive cut anywhere; choosing how to cut them into messages
// shows one row per message, re-splits what is already there, and marks what is broken.

test.afterEach(() => stopAll());

test('line framing shows one row per line however the device sent them, and per read shows the reads again', async ({
  app,
}) => {
  const server = await app.newSession();
  const port = await app.startServer(server);
  const rows = app.log(server).locator('.log-row.rx');
  await server.getByLabel('Framing').selectOption({ label: 'Line (LF or CRLF)' });
  const peer = startPeer('framed_tcp_client.py', ['127.0.0.1', port, 'lines']);
  await peer.waitForLine(/sent/);
  await expect(rows.locator('.log-content')).toHaveText(['a', 'b', 'c', 'de']);
  await expect(rows.locator('.frame-mark')).toHaveCount(0);

  // The same history, split as it was read: three reads, nothing sent again.
  await server.getByLabel('Framing').selectOption({ label: 'Per read' });
  await expect(rows).toHaveCount(3);
  expect(await rows.evaluateAll((list) => list.map((row) => row.getAttribute('data-bytes')))).toEqual(['6', '1', '2']);

  // And back.
  await server.getByLabel('Framing').selectOption({ label: 'Line (LF or CRLF)' });
  await expect(rows.locator('.log-content')).toHaveText(['a', 'b', 'c', 'de']);
});

test('a delimiter is typed as hex or escapes, a wrong one says why under the field, and an unfinished message is pending', async ({
  app,
}) => {
  const server = await app.newSession();
  const port = await app.startServer(server);
  const peer = startPeer('framed_tcp_client.py', ['127.0.0.1', port, 'lines']);
  await peer.waitForLine(/sent/);
  const rows = app.log(server).locator('.log-row.rx');
  await expect(rows).toHaveCount(3);

  await server.getByLabel('Framing').selectOption({ label: 'By delimiter' });
  const delimiter = server.getByRole('textbox', { name: 'Delimiter' });
  await delimiter.fill('0A0');
  await expect(delimiter).toHaveAttribute('aria-invalid', 'true');
  const error = server.getByRole('alert').filter({ hasText: 'Delimiter:' });
  await expect(error).toContainText('Write hex bytes like 0D 0A, or escapes like \\r\\n.');
  await expect(delimiter).toHaveAccessibleDescription(/Delimiter:/);

  // "c" as the delimiter: the last bytes after it wait for the next one.
  await delimiter.fill('\\x63');
  await expect(error).toHaveCount(0);
  await expect(rows).toHaveCount(2);
  await expect(rows.first().locator('.log-content')).toHaveText(/^a\s*b\s*$/);
  const pending = rows.last();
  await expect(pending).toHaveAttribute('data-frame', 'pending');
  await expect(pending.locator('.frame-mark')).toHaveText('pending');
  await expect(pending.locator('.frame-mark')).toHaveAccessibleDescription(/Incomplete message/);
});

test('a Modbus RTU device writing three frames at once shows three rows, the one with a wrong CRC marked; in Chinese too', async ({
  app,
  page,
}) => {
  const server = await app.newSession();
  const port = await app.startServer(server);
  await server.getByLabel('Framing').selectOption({ label: 'Modbus RTU' });
  await server.getByLabel('View', { exact: true }).selectOption({ label: 'Hex' });
  const peer = startPeer('framed_tcp_client.py', ['127.0.0.1', port, 'modbus']);
  await peer.waitForLine(/sent/);
  const rows = app.log(server).locator('.log-row.rx');
  await expect(rows).toHaveCount(3);
  await expect(rows.locator('.log-content').first()).toHaveText('01 03 02 00 0A 38 43');
  expect(await rows.evaluateAll((list) => list.map((row) => row.getAttribute('data-frame')))).toEqual([
    'message',
    'bad',
    'message',
  ]);
  const mark = rows.nth(1).locator('.frame-mark');
  await expect(mark).toHaveText('bad CRC');
  await expect(mark).toHaveAccessibleDescription(/CRC at its end does not match/);

  await page.getByLabel('Language').selectOption({ label: '简体中文' });
  // The pane's name may follow the language; it is the only pane.
  const pane = page.locator('section.pane').first();
  const chineseRows = pane.locator('.log-row.rx');
  await expect(pane.getByLabel('分帧')).toHaveValue('modbus-rtu');
  await expect(chineseRows.nth(1).locator('.frame-mark')).toHaveText('CRC 错误');
  await expect(chineseRows.nth(1).locator('.frame-mark')).toHaveAccessibleDescription(/CRC 与内容不符/);
  await pane.getByLabel('分帧').selectOption({ label: '按分隔符' });
  await expect(pane.getByRole('textbox', { name: '分隔符' })).toBeVisible();
  await pane.getByLabel('分帧').selectOption({ label: '按读取' });
  await expect(chineseRows).toHaveCount(1);
  await page.getByLabel('语言').selectOption({ label: 'English' });
});

test('a paused framed view holds its messages while a line completes underneath; resuming shows it, and clearing empties it', async ({
  app,
}) => {
  const server = await app.newSession();
  const port = await app.startServer(server);
  await server.getByLabel('Framing').selectOption({ label: 'Line (LF or CRLF)' });
  const peer = await tcpClient(port);
  peer.socket.write('one\ntw');
  const rows = app.log(server).locator('.log-row.rx');
  await expect(rows.locator('.log-content')).toHaveText(['one', /tw$/]);
  await expect(rows.last()).toHaveAttribute('data-frame', 'pending');
  await server.getByRole('button', { name: 'Pause view' }).click();
  peer.socket.write('o\nthree\n');
  await expect(app.log(server)).toContainText('1 new row(s) waiting');
  await expect(rows.last()).toHaveAttribute('data-frame', 'pending');
  await server.getByRole('button', { name: 'Resume view' }).click();
  await expect(rows.locator('.log-content')).toHaveText(['one', 'two', 'three']);
  await expect(rows.locator('[data-frame="pending"]')).toHaveCount(0);
  await server.getByRole('button', { name: 'Clear log' }).click();
  await expect(rows).toHaveCount(0);
  peer.socket.write('four\n');
  await expect(rows.locator('.log-content')).toHaveText(['four']);
  peer.socket.destroy();
});
