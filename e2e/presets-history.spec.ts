import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { startPeerOnFreePort, stopAll } from '../test/helpers/processes';
import { expect, test } from './fixtures';
import { tcpClient } from './peers';

// Presets, history and tx rows in their own encoding, through the bridge as a person uses them.

test.afterEach(async () => {
  await stopAll();
});

const GBK_HELLO_HEX = 'c4fabac3'; // 您好

function presets(pane: Locator): Locator {
  return pane.getByRole('list', { name: 'Presets', exact: true });
}

async function saveAsPreset(pane: Locator, name: string): Promise<void> {
  await pane.getByLabel('Preset name').fill(name);
  await pane.getByRole('button', { name: 'Save as preset' }).click();
  await expect(presets(pane).getByRole('button', { name, exact: true })).toBeVisible();
}

async function presetNames(pane: Locator): Promise<string[]> {
  return presets(pane).locator('button.preset').allTextContents();
}

/** Waits until `peer` has received exactly `expected` (as text), failing with what it did receive. */
async function received(peer: { received: () => Buffer }, expected: string): Promise<void> {
  await expect.poll(() => peer.received().toString('utf8')).toBe(expected);
}

test('a GBK send shows as 您好 in its tx row while rx rows follow the receive encoding', async ({ app, page }) => {
  const { peer, port } = await startPeerOnFreePort('tcp_echo_server.py');
  const client = await app.newSession('TCP client');
  await app.connectClient(client, port);
  await client.getByLabel('Send encoding').selectOption({ label: 'GBK' });
  await app.send(client, '您好');
  await peer.waitForLine(new RegExp(`got hex: ${GBK_HELLO_HEX}`));

  const log = app.log(client);
  const tx = log.locator('.log-row.tx .log-content');
  const rx = log.locator('.log-row.rx .log-content');
  // The receive encoding is still UTF-8: the echo of our GBK bytes is not UTF-8 and shows as bytes.
  await expect(tx).toHaveText('您好');
  await expect(tx.locator('.bad-bytes')).toHaveCount(0);
  await expect(rx).toHaveText('\\xC4\\xFA\\xBA\\xC3');

  await client.getByLabel('Receive encoding').selectOption({ label: 'GBK' });
  await expect(rx).toHaveText('您好');
  await expect(tx).toHaveText('您好');

  // A hex send has no encoding of its own: its tx row follows the view like received bytes do.
  await client.getByLabel('Send mode').selectOption({ label: 'Hex' });
  await app.send(client, 'C4 E3');
  await expect(log.locator('.log-row.tx .log-content').last()).toHaveText('你');
  await client.getByLabel('Receive encoding').selectOption({ label: 'UTF-8' });
  await expect(log.locator('.log-row.tx .log-content').last()).toHaveText('\\xC4\\xE3');
  await expect(tx.first()).toHaveText('您好');

  // A reloaded tab reads the log back from the capture (capture.read over the bridge): the encoding comes too.
  await page.reload();
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible();
  const again = app.log(app.pane('TCP client 1'));
  await expect(again.locator('.log-row.tx .log-content')).toHaveText(['您好', '\\xC4\\xE3']);
  // Received rows still follow the receive encoding (UTF-8 again after the reload): the echoed bytes as bytes.
  // Joined, since a TCP stream's rows may carry an unfinished character into the next one.
  await expect
    .poll(async () => (await again.locator('.log-row.rx .log-content').allTextContents()).join(''))
    .toBe('\\xC4\\xFA\\xBA\\xC3\\xC4\\xE3');
});

test('a preset keeps its options, survives a reload, is sent by Alt+1 and can be renamed, reordered and deleted', async ({
  app,
  page,
}) => {
  const server = await app.newSession();
  const port = await app.startServer(server);
  const peer = await tcpClient(port);
  await expect(server.getByRole('table', { name: 'Connections' }).getByRole('row')).toHaveCount(2);

  await server.getByLabel('Send encoding').selectOption({ label: 'GBK' });
  await server.getByLabel('Line ending').selectOption({ label: 'CRLF (\\r\\n)' });
  await server.getByLabel('Message').fill('您好');
  await saveAsPreset(server, '问候');

  // The box changes afterwards; the preset keeps what it was saved with.
  await server.getByLabel('Send encoding').selectOption({ label: 'UTF-8' });
  await server.getByLabel('Line ending').selectOption({ label: 'None' });
  await server.getByLabel('Message').fill('something else');

  await page.reload();
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible();
  const pane = app.pane('TCP server 1');
  await expect(presets(pane).getByRole('button', { name: '问候', exact: true })).toBeVisible();
  await page.keyboard.press('Alt+1');
  await expect.poll(() => peer.received().toString('hex')).toBe(`${GBK_HELLO_HEX}0d0a`);
  await expect(app.log(pane).locator('.log-row.tx .log-content')).toHaveText(/^您好\\r/);

  await pane.getByLabel('Send encoding').selectOption({ label: 'UTF-8' });
  await pane.getByLabel('Message').fill('b');
  await saveAsPreset(pane, 'second');
  expect(await presetNames(pane)).toEqual(['问候', 'second']);

  await pane.getByRole('button', { name: 'Rename 问候' }).click();
  await pane.getByRole('textbox', { name: 'New name' }).fill('hello GBK');
  await pane.getByRole('textbox', { name: 'New name' }).press('Enter');
  await pane.getByRole('button', { name: 'Move second up' }).click();
  await expect.poll(() => presetNames(pane)).toEqual(['second', 'hello GBK']);

  // Alt+1 follows the order shown.
  const before = peer.received().length;
  await page.keyboard.press('Alt+1');
  await expect.poll(() => peer.received().subarray(before).toString()).toBe('b');
  await presets(pane).getByRole('button', { name: 'hello GBK', exact: true }).click();
  await expect.poll(() => peer.received().subarray(before).toString('hex')).toBe(`62${GBK_HELLO_HEX}0d0a`);

  await pane.getByRole('button', { name: 'Delete second' }).click();
  await expect.poll(() => presetNames(pane)).toEqual(['hello GBK']);
  await expect(pane.getByRole('status').filter({ hasText: 'Deleted “second”.' })).toBeVisible();
  await pane.getByRole('button', { name: 'Undo' }).click();
  await expect.poll(() => presetNames(pane)).toEqual(['second', 'hello GBK']);
  await pane.getByRole('button', { name: 'Delete second' }).click();
  await pane.getByRole('button', { name: 'Dismiss' }).click();
  await page.reload();
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible();
  await expect.poll(() => presetNames(app.pane('TCP server 1'))).toEqual(['hello GBK']);
  peer.socket.destroy();
});

async function importFile(page: Page, pane: Locator, file: string): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await pane.getByRole('button', { name: 'Import presets…' }).click();
  await (await chooser).setFiles(file);
}

test('presets export to a JSON file and import back; a bad file is refused and loses nothing', async ({
  app,
  page,
}) => {
  const folder = mkdtempSync(path.join(tmpdir(), 'sockpit-e2e-presets-'));
  try {
    const server = await app.newSession();
    await server.getByLabel('Message').fill('AT+GMR');
    await server.getByLabel('Line ending').selectOption({ label: 'CRLF (\\r\\n)' });
    await saveAsPreset(server, 'version');
    await server.getByLabel('Send mode').selectOption({ label: 'Hex' });
    await server.getByLabel('Message').fill('01 03 00 00 00 0A');
    await server.getByLabel('Checksum').selectOption({ label: 'CRC-16/MODBUS' });
    await server.getByLabel('Only this session').check();
    await saveAsPreset(server, 'Modbus 读');

    const download = page.waitForEvent('download');
    await server.getByRole('button', { name: 'Export presets' }).click();
    const exported = path.join(folder, 'presets.json');
    await (await download).saveAs(exported);
    const file = JSON.parse(readFileSync(exported, 'utf8')) as {
      format: string;
      presets: Array<{ name: string; scope: string; message: Record<string, unknown> }>;
    };
    expect(file.format).toBe('sockpit-presets');
    expect(file.presets.map((p) => [p.name, p.scope])).toEqual([
      ['version', 'global'],
      ['Modbus 读', 'session'],
    ]);
    expect(file.presets[1].message).toMatchObject({ mode: 'hex', text: '01 03 00 00 00 0A', checksum: 'crc16-modbus' });

    const bad = path.join(folder, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...file, presets: [{ ...file.presets[0], message: { text: 1 } }] }));
    await importFile(page, server, bad);
    await expect(server.getByRole('alert')).toContainText('The presets file was not imported');
    await expect(server.getByRole('alert')).toContainText('presets[0].message');
    await expect.poll(() => presetNames(server)).toEqual(['version', 'Modbus 读']);

    await server.getByRole('button', { name: 'Delete version' }).click();
    await server.getByRole('button', { name: 'Delete Modbus 读' }).click();
    await expect.poll(() => presetNames(server)).toEqual([]);
    await importFile(page, server, exported);
    await expect(server.getByRole('status').filter({ hasText: 'Imported 2 presets.' })).toBeVisible();
    await expect.poll(() => presetNames(server)).toEqual(['version', 'Modbus 读']);

    // The imported hex preset sends exactly its bytes: checksum, then the CR LF the box still had when it was saved.
    const port = await app.startServer(server);
    const peer = await tcpClient(port);
    await expect(server.getByRole('table', { name: 'Connections' }).getByRole('row')).toHaveCount(2);
    await presets(server).getByRole('button', { name: 'Modbus 读', exact: true }).click();
    await expect.poll(() => peer.received().toString('hex')).toBe('01030000000ac5cd0d0a');
    peer.socket.destroy();
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('sent messages come back with ↑ and ↓, are searchable and become presets in one click', async ({ app, page }) => {
  const server = await app.newSession();
  const port = await app.startServer(server);
  const peer = await tcpClient(port);
  await expect(server.getByRole('table', { name: 'Connections' }).getByRole('row')).toHaveCount(2);
  for (const text of ['one', 'two', 'one', 'three']) await app.send(server, text);
  await received(peer, 'onetwoonethree');

  const box = server.getByLabel('Message');
  await box.fill('draft');
  await box.press('ArrowUp');
  await expect(box).toHaveValue('three');
  await box.press('ArrowUp');
  await expect(box).toHaveValue('one');
  await box.press('ArrowUp');
  await expect(box).toHaveValue('two');
  // "one" was sent twice and is kept once: there is nothing older.
  await box.press('ArrowUp');
  await expect(box).toHaveValue('two');
  await box.press('ArrowDown');
  await box.press('ArrowDown');
  await expect(box).toHaveValue('three');
  await box.press('ArrowDown');
  await expect(box).toHaveValue('draft');

  // In a multi-line message ↑ moves the caret up a line first, as in any text box.
  await box.fill('first line\nsecond line');
  await box.press('End');
  await box.press('ArrowUp');
  await expect(box).toHaveValue('first line\nsecond line');
  await box.press('ArrowUp');
  await expect(box).toHaveValue('three');

  await server.getByText('History (3)').click();
  const history = server.getByRole('list', { name: 'History', exact: true });
  await expect(history.getByRole('listitem')).toHaveCount(3);
  await server.getByRole('searchbox', { name: 'Search history' }).fill('tw');
  await expect(history.getByRole('listitem')).toHaveCount(1);
  await history.getByRole('button', { name: 'Keep as preset' }).click();
  await expect(presets(server).getByRole('button', { name: 'two', exact: true })).toBeVisible();
  await page.keyboard.press('Alt+1');
  await received(peer, 'onetwoonethreetwo');
  peer.socket.destroy();
});

test('presets and history have their Chinese names', async ({ app, page }) => {
  await page.getByLabel('Language').selectOption({ label: '简体中文' });
  await page.getByRole('button', { name: '新建会话' }).click();
  const pane = page.getByRole('region', { name: 'TCP 服务器 1', exact: true });
  await pane.getByRole('textbox', { name: '消息', exact: true }).fill('查询');
  await pane.getByRole('button', { name: '保存为预设' }).click();
  const list = pane.getByRole('list', { name: '预设', exact: true });
  await expect(list.getByRole('button', { name: '查询', exact: true })).toBeVisible();
  await expect(pane.getByRole('button', { name: '重命名 查询' })).toBeVisible();
  await pane.getByText('历史（0）').click();
  await expect(pane.getByRole('searchbox', { name: '搜索历史' })).toBeVisible();
  await expect(pane.getByRole('list', { name: '历史', exact: true })).toBeAttached();
  await page.getByLabel('语言').selectOption({ label: 'English' });
  void app;
});

test('stored presets that cannot be read are reported and kept aside, and the app still starts', async ({
  app,
  page,
}) => {
  await page.evaluate(() => localStorage.setItem('sockpit.presets', '{"version":1,"presets":[{"id":'));
  await page.reload();
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible();
  const server = await app.newSession();
  await expect(server.getByRole('alert')).toContainText('Saved presets could not be read');
  await expect(server.getByRole('alert')).toContainText('sockpit.presets.corrupt');
  await server.getByLabel('Message').fill('fresh');
  await saveAsPreset(server, 'fresh');
  expect(await page.evaluate(() => localStorage.getItem('sockpit.presets.corrupt'))).toBe(
    '{"version":1,"presets":[{"id":',
  );
  await server.getByRole('alert').getByRole('button', { name: 'Dismiss' }).click();
  await expect(server.getByRole('alert')).toHaveCount(0);
});
