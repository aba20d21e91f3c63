import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { expect, test } from './fixtures';
import { startPythonProgram, stopAll } from '../test/helpers/processes';

// The log tools and the value charts on a framed view: a device's reading cut in two by the network is one
// message everywhere a person looks — the search, the clipboard, the saved file and the chart.

test.afterEach(() => stopAll());

test('with line framing, a reading cut across two reads is one message to search, copy, save and chart', async ({
  app,
  page,
}) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(page.url()).origin });
  const server = await app.newSession();
  const port = await app.startServer(server);
  await server.getByLabel('Framing').selectOption({ label: 'Line (LF or CRLF)' });

  await server.getByRole('button', { name: 'Charts', exact: true }).click();
  const charts = server.getByRole('region', { name: 'Charts', exact: true });
  await charts.getByRole('button', { name: 'Add chart' }).click();
  const form = charts.getByRole('form', { name: 'New value chart' });
  await form.getByLabel('Chart name').fill('Room');
  await form.getByLabel('Series name').fill('T');
  await form.getByLabel('Pattern (one capture group)').fill('T=(-?\\d+\\.\\d+)');
  await form.getByRole('button', { name: 'Create chart' }).click();
  const chart = charts.getByRole('region', { name: 'Room', exact: true });
  await expect(chart).toBeVisible();

  // A tutorial python client: "T=2" in one write, the rest of that reading and the next one in another.
  const peer = startPythonProgram(`
import socket, time
s = socket.create_connection(("127.0.0.1", ${port}))
s.sendall(b"T=2")
time.sleep(0.4)
s.sendall(b"1.5\\nT=22.0\\n")
print("sent", flush=True)
s.settimeout(30)
try:
    while s.recv(100):
        pass
except OSError:
    pass
s.close()
`);
  await peer.waitForLine(/^sent/);
  const log = app.log(server);
  const messages = log.locator('.log-row.rx');
  await expect(messages.locator('.log-content')).toHaveText(['T=21.5', 'T=22.0']);

  // The chart took the two messages' readings, not the reads' "2" and "1.5".
  await expect(chart.locator('.chart-summary')).toContainText('; 2 points');
  const [exported] = await Promise.all([
    page.waitForEvent('download'),
    chart.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  const points = (await readFile((await exported.path())!, 'utf8')).trimEnd().split('\r\n');
  expect(points.slice(1).map((line) => line.split(',')[1])).toEqual(['21.5', '22']);

  // The search finds the reading that no single read holds, and highlights it in the message's row.
  const search = server.getByRole('searchbox', { name: 'Search log' });
  await search.fill('T=21.5');
  await expect(server.locator('.match-count')).toHaveText('1 of 1');
  await expect(log.locator('mark.search-match')).toHaveText(['T=21.5']);
  await expect(log.locator('.log-row[aria-current="true"] .log-content')).toHaveText('T=21.5');
  await server.getByLabel('Only matching rows').check();
  await expect(log.locator('.log-row')).toHaveCount(1);
  await expect(messages.locator('.log-content')).toHaveText(['T=21.5']);

  // The message row selected, its bytes (from both reads) on the clipboard.
  await messages.locator('.log-content').click();
  await expect(messages.first()).toHaveAttribute('data-selected', 'true');
  await server.getByRole('button', { name: 'Copy as hex' }).click();
  await expect(server.getByRole('status').filter({ hasText: 'Copied 1 row(s).' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('54 3D 32 31 2E 35');

  // Save log… as CSV, every row: one line per message, with the time of its first byte.
  await server.getByLabel('Only matching rows').uncheck();
  await search.fill('');
  await server.getByRole('button', { name: 'Save log…' }).click();
  await server.getByLabel('Save as').selectOption({ label: 'CSV' });
  const downloading = page.waitForEvent('download');
  await server.getByRole('button', { name: 'Save', exact: true }).click();
  const file = await readFile((await (await downloading).path())!, 'utf8');
  const rows = JSON.parse(
    execFileSync(
      'python3',
      ['-c', 'import csv,io,json,sys; print(json.dumps(list(csv.reader(io.StringIO(sys.stdin.read(), newline="")))))'],
      { input: file, encoding: 'utf8' },
    ),
  ) as string[][];
  expect(rows[0]).toEqual([
    'time',
    'direction',
    'peer',
    'connection',
    'length',
    'hex',
    'text',
    'partial',
    'frame',
    'frame_reason',
  ]);
  const received = rows.filter((row) => row[1] === 'rx');
  expect(received.map((row) => [row[4], row[5], row[6], row[8]])).toEqual([
    ['6', '54 3D 32 31 2E 35', 'T=21.5', ''],
    ['6', '54 3D 32 32 2E 30', 'T=22.0', ''],
  ]);
  expect(rows.map((row) => row[6])).toContain('connected');

  // Several messages: Shift+click takes both, each copied on its own line; Ctrl+click takes one away, and the
  // arrow keys move the selection to the next message.
  const clipboard = () => page.evaluate(() => navigator.clipboard.readText());
  await messages.nth(0).locator('.log-content').click();
  await messages
    .nth(1)
    .locator('.log-content')
    .click({ modifiers: ['Shift'] });
  await expect(server.locator('.selected-count')).toHaveText('2 selected');
  await server.getByRole('button', { name: 'Copy as hex' }).click();
  await expect.poll(clipboard).toBe('54 3D 32 31 2E 35\n54 3D 32 32 2E 30');
  await messages
    .nth(1)
    .locator('.log-content')
    .click({ modifiers: ['Control'] });
  await expect(server.locator('.selected-count')).toHaveText('1 selected');
  await page.keyboard.press('ArrowDown');
  await expect(messages.nth(1)).toHaveAttribute('data-selected', 'true');
  await expect(messages.nth(0)).not.toHaveAttribute('data-selected', 'true');
  await server.getByRole('button', { name: 'Copy as Python bytes' }).click();
  await expect.poll(clipboard).toBe("b'T=22.0'");

  // Per read, the same history is the two reads the network delivered.
  await server.getByLabel('Framing').selectOption({ label: 'Per read' });
  await expect(messages).toHaveCount(2);
  expect(await messages.evaluateAll((list) => list.map((row) => row.getAttribute('data-bytes')))).toEqual(['3', '11']);
});
