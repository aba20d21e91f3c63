import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { expect, test } from './fixtures';
import { startPythonProgram, stopAll } from '../test/helpers/processes';

test.afterEach(() => stopAll());

/** Rows of the log as a person reads them: kind and the visible words. */
async function rowTexts(log: import('@playwright/test').Locator): Promise<string[]> {
  return log
    .locator('.log-row')
    .evaluateAll((rows) =>
      rows.map(
        (row) =>
          `${row.classList.contains('note') ? 'note' : row.classList.contains('tx') ? 'tx' : 'rx'} ${row.querySelector('.log-content')?.textContent ?? ''}`,
      ),
    );
}

test('search, filter, copy as hex, save as CSV and connection rows in order, over a python peer', async ({
  app,
  page,
}) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(page.url()).origin });
  const server = await app.newSession();
  const port = await app.startServer(server);
  // A tutorial python client: three lines, then it waits for our "Hello" and hangs up.
  const peer = startPythonProgram(`
import socket, time
s = socket.create_connection(("127.0.0.1", ${port}))
for line in (b"Hello\\n", b"temp=21\\n", b"Hello again\\n"):
    s.sendall(line)
    time.sleep(0.15)
print("sent", flush=True)
s.settimeout(20)
got = b""
while b"Hello" not in got:
    chunk = s.recv(100)
    if not chunk:
        break
    got += chunk
time.sleep(0.2)
s.close()
print("got", got, flush=True)
`);
  await peer.waitForLine(/^sent/);
  const log = app.log(server);
  await expect(log.locator('.log-row.rx')).toHaveCount(3);
  await app.send(server, 'Hello');
  await peer.waitForLine(/^got b'Hello'/);
  await expect(log.getByText('closed by the peer')).toBeVisible();

  // Connection rows stand where they happened: opened before the data, closed after our reply.
  const texts = await rowTexts(log);
  expect(texts.slice(texts.indexOf('note connected'))).toEqual([
    'note connected',
    'rx Hello\n',
    'rx temp=21\n',
    'rx Hello again\n',
    'tx Hello',
    'note closed by the peer',
  ]);

  // Search: three rows say hello (case does not matter), each highlighted; the count follows next/previous.
  const search = server.getByRole('searchbox', { name: 'Search log' });
  await search.fill('hello');
  const count = server.locator('.match-count');
  await expect(count).toHaveText('1 of 3');
  await expect(log.locator('mark.search-match')).toHaveCount(3);
  await expect(log.locator('mark.search-match').first()).toHaveText('Hello');
  await server.getByRole('button', { name: 'Next match' }).click();
  await expect(count).toHaveText('2 of 3');
  await search.press('Enter');
  await expect(count).toHaveText('3 of 3');
  await expect(log.locator('.log-row[aria-current="true"]')).toHaveClass(/\btx\b/);
  await search.press('Shift+Enter');
  await expect(count).toHaveText('2 of 3');
  await search.press('F3');
  await expect(count).toHaveText('3 of 3');
  await expect(server.getByRole('button', { name: 'Previous match' })).toBeEnabled();

  // A hex search finds the line ends; a regex the reading.
  await server.getByLabel('Search as').selectOption({ label: 'Hex bytes' });
  await search.fill('3D 32 31');
  await expect(count).toHaveText('1 of 1');
  await server.getByLabel('Search as').selectOption({ label: 'Regular expression' });
  await search.fill('temp=(\\d+');
  await expect(server.getByRole('alert').filter({ hasText: 'not a regular expression' })).toBeVisible();
  await search.fill('temp=\\d+');
  await expect(count).toHaveText('1 of 1');
  await expect(log.locator('mark.search-match')).toHaveText('temp=21');

  // Filter mode with the Tx direction: only what we sent is left.
  await search.fill('');
  await server.getByLabel('Direction', { exact: true }).selectOption({ label: 'Tx' });
  await server.getByLabel('Only matching rows').check();
  await expect(log.locator('.log-row')).toHaveCount(1);
  await expect(log.locator('.log-row.tx')).toHaveText(/Hello/);

  // Copy as hex: the row selected, its bytes on the clipboard.
  await log.locator('.log-row.tx .log-content').click();
  await server.getByRole('button', { name: 'Copy as hex' }).click();
  await expect(server.getByRole('status').filter({ hasText: 'Copied 1 row(s).' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('48 65 6C 6C 6F');
  // The same from the row's context menu, as a Python literal.
  await log.locator('.log-row.tx .log-content').click({ button: 'right' });
  await page.getByRole('menu', { name: 'Row actions' }).getByRole('menuitem', { name: 'Copy as Python bytes' }).click();
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe("b'Hello'");

  // Save log… as CSV: all rows, each with its time, direction, peer, length, hex and text.
  await server.getByLabel('Only matching rows').uncheck();
  await server.getByLabel('Direction', { exact: true }).selectOption({ label: 'Both' });
  await server.getByRole('combobox', { name: 'Time', exact: true }).selectOption({ label: 'Relative' });
  await expect(log.locator('.log-row .log-time').first()).toHaveText('+0.000000 s');
  await server.getByRole('button', { name: 'Save log…' }).click();
  await server.getByLabel('Save as').selectOption({ label: 'CSV' });
  const downloading = page.waitForEvent('download');
  await server.getByRole('button', { name: 'Save', exact: true }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  const file = await readFile((await download.path())!, 'utf8');
  const rows = JSON.parse(
    execFileSync(
      'python3',
      ['-c', 'import csv,io,json,sys; print(json.dumps(list(csv.reader(io.StringIO(sys.stdin.read(), newline="")))))'],
      {
        input: file,
        encoding: 'utf8',
      },
    ),
  ) as string[][];
  expect(rows[0]).toEqual([
    'time',
    'relative_s',
    'direction',
    'peer',
    'connection',
    'length',
    'hex',
    'text',
    'partial',
  ]);
  const body = rows.slice(1).map((r) => [r[2], r[5], r[6], r[7]]);
  expect(body.slice(body.findIndex((r) => r[3] === 'connected'))).toEqual([
    ['event', '0', '', 'connected'],
    ['rx', '6', '48 65 6C 6C 6F 0A', 'Hello\n'],
    ['rx', '8', '74 65 6D 70 3D 32 31 0A', 'temp=21\n'],
    ['rx', '12', '48 65 6C 6C 6F 20 61 67 61 69 6E 0A', 'Hello again\n'],
    ['tx', '5', '48 65 6C 6C 6F', 'Hello'],
    ['event', '0', '', 'closed by the peer'],
  ]);
  for (const row of rows.slice(1)) expect(row[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  const hello = rows.find((r) => r[7] === 'Hello\n')!;
  expect(hello[3]).toMatch(/^127\.0\.0\.1:\d+$/);
  expect(Number(hello[1])).toBeGreaterThan(0);
  await expect(server.getByRole('status').filter({ hasText: `Saved ${rows.length - 1} rows to` })).toBeVisible();
});

test('the log tools have their Chinese names', async ({ app, page }) => {
  await app.newSession();
  await page.getByLabel('Language').selectOption({ label: '简体中文' });
  // The name the app gave the session follows the language.
  const server = app.pane('TCP 服务器 1');
  await expect(server.getByRole('searchbox', { name: '搜索日志' })).toBeVisible();
  await expect(server.getByRole('button', { name: '保存日志…' })).toBeVisible();
  await expect(server.getByRole('button', { name: '复制为十六进制' })).toBeVisible();
  await expect(server.getByLabel('时间', { exact: true })).toBeVisible();
  await expect(server.getByRole('combobox', { name: '时间', exact: true })).toHaveValue('absolute');
});

test('filter by peer, save only the matching rows as JSON lines, and copy from the keyboard', async ({ app, page }) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(page.url()).origin });
  const server = await app.newSession();
  const port = await app.startServer(server);
  // Two tutorial clients, one after the other, each saying who it is.
  const peer = startPythonProgram(`
import socket, time
a = socket.create_connection(("127.0.0.1", ${port}))
a.sendall(b"from A 1\\n"); time.sleep(0.15)
b = socket.create_connection(("127.0.0.1", ${port}))
b.sendall(b"from B 1\\n"); time.sleep(0.15)
a.sendall(b"from A 2\\n"); time.sleep(0.15)
print("ports", a.getsockname()[1], b.getsockname()[1], flush=True)
time.sleep(30)
`);
  const [, portA] = (await peer.waitForLine(/^ports (\d+) (\d+)/)).map(Number);
  const log = app.log(server);
  await expect(log.locator('.log-row.rx')).toHaveCount(3);

  await server.getByLabel('Peer or connection').fill(`:${portA}`);
  await server.getByLabel('Only matching rows').check();
  // A's connection row and its two lines; nothing of B.
  await expect(log.locator('.log-row')).toHaveCount(3);
  await expect(log.locator('.log-row.rx')).toHaveText([/from A 1/, /from A 2/]);

  await server.getByRole('button', { name: 'Save log…' }).click();
  await server.getByLabel('Save as').selectOption({ label: 'JSON lines' });
  await server.getByLabel('Rows', { exact: true }).selectOption({ label: 'Only matching rows' });
  const downloading = page.waitForEvent('download');
  await server.getByRole('button', { name: 'Save', exact: true }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/\.jsonl$/);
  const lines = (await readFile((await download.path())!, 'utf8'))
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(lines.map((l) => [l.direction, l.text])).toEqual([
    ['event', 'connected'],
    ['rx', 'from A 1\n'],
    ['rx', 'from A 2\n'],
  ]);
  for (const line of lines) expect(line.peer).toBe(`127.0.0.1:${portA}`);
  expect(lines[1].hex).toBe('66 72 6F 6D 20 41 20 31 0A');

  // Keyboard only: a row selected, the arrow moves the selection, Shift+F10 opens the row menu.
  await log.locator('.log-row.rx').first().click();
  await page.keyboard.press('ArrowDown');
  await expect(log.locator('.log-row.selected')).toHaveText(/from A 2/);
  await page.keyboard.press('Shift+F10');
  const menu = page.getByRole('menu', { name: 'Row actions' });
  await expect(menu.getByRole('menuitem', { name: 'Copy as text' })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(menu.getByRole('menuitem', { name: 'Copy as hex' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(menu).toHaveCount(0);
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe('66 72 6F 6D 20 41 20 32 0A');
  // Shift+ArrowUp extends the selection to both of A's lines; a C array holds them one after the other.
  await log.locator('.log-rows').focus();
  await page.keyboard.press('Shift+ArrowUp');
  await expect(log.locator('.log-row.selected')).toHaveCount(2);
  await server.getByRole('button', { name: 'Copy as C array' }).click();
  await expect
    .poll(() => page.evaluate(() => navigator.clipboard.readText()))
    .toBe(
      '{0x66, 0x72, 0x6F, 0x6D, 0x20, 0x41, 0x20, 0x31, 0x0A, 0x66, 0x72, 0x6F, 0x6D, 0x20, 0x41, 0x20, 0x32, 0x0A}',
    );
});
