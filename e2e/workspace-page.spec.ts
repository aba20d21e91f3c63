import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { startPythonProgram, stopAll } from '../test/helpers/processes';
import { expect, test } from './fixtures';

// The page's part of the workspace, through the bridge as a person uses it: what they set survives a reload,
// a workspace file brings its sessions back stopped, and "Start all" starts them.

let folder: string | undefined;
test.afterEach(async () => {
  await stopAll();
  if (folder) rmSync(folder, { recursive: true, force: true });
  folder = undefined;
});

function fileIn(name: string, text: string): string {
  folder ??= mkdtempSync(path.join(tmpdir(), 'sockpit-workspace-'));
  const file = path.join(folder, name);
  writeFileSync(file, text);
  return file;
}

async function openMenu(page: Page): Promise<Locator> {
  const menu = page.locator('details.workspace-menu');
  if (!(await menu.evaluate((element) => (element as HTMLDetailsElement).open))) await menu.locator('summary').click();
  return menu;
}

async function importFile(page: Page, file: string): Promise<void> {
  const menu = await openMenu(page);
  const chooser = page.waitForEvent('filechooser');
  await menu.getByRole('button', { name: 'Import workspace…' }).click();
  await (await chooser).setFiles(file);
}

/**
 * The log's data and connection rows as "kind text", the way a person reads them top to bottom. A session's own
 * state lines ("Starting", "Listening on …") are the page's and are not what a reload keeps.
 */
async function rowTexts(log: Locator): Promise<string[]> {
  const rows = await log.locator('.log-row').evaluateAll((elements) =>
    elements.map((row) => {
      const kind = row.classList.contains('note') ? 'note' : row.classList.contains('tx') ? 'tx' : 'rx';
      return `${kind} ${row.querySelector('.log-content')?.textContent ?? row.textContent ?? ''}`;
    }),
  );
  return rows.filter((row) => !row.startsWith('note') || /connected|closed/.test(row));
}

test('the receive encoding, the view, a session preset and the connect line are still there after a reload', async ({
  app,
  page,
}) => {
  const server = await app.newSession();
  await server.getByLabel('Receive encoding').selectOption({ label: 'GBK' });
  await server.getByLabel('View', { exact: true }).selectOption({ label: 'Hex' });
  await server.getByLabel('Message').fill('PING');
  await server.getByLabel('Preset name').fill('ping the meter');
  await server.getByLabel('Only this session').check();
  await server.getByRole('button', { name: 'Save as preset' }).click();
  const presets = server.getByRole('list', { name: 'Presets', exact: true });
  await expect(presets.getByRole('button', { name: 'ping the meter', exact: true })).toBeVisible();
  const port = await app.startServer(server);

  // A tutorial python client: connect, say 您好 in GBK, wait to be told to go, close.
  const client = startPythonProgram(
    [
      'import socket, sys',
      `s = socket.create_connection(("127.0.0.1", ${port}))`,
      's.sendall("您好".encode("gbk"))',
      'print("sent", flush=True)',
      's.recv(10)',
      's.close()',
    ].join('\n'),
  );
  await client.waitForLine(/^sent/);
  const log = app.log(server);
  await expect(log.locator('.log-row.rx')).toHaveCount(1);
  const before = await rowTexts(log);
  expect(before.filter((row) => row.startsWith('note')).join('\n')).toContain('connected');

  await page.reload();
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible();
  const again = app.pane('TCP server 1');
  await expect(again.getByLabel('Receive encoding')).toHaveValue('gbk');
  await expect(again.getByLabel('View', { exact: true })).toHaveValue('hex');
  await expect(again.getByLabel('Message')).toHaveValue('PING');
  await expect(
    again
      .getByRole('list', { name: 'Presets', exact: true })
      .getByRole('button', { name: 'ping the meter', exact: true }),
  ).toBeVisible();
  // The connect line is back where it was: before the data it came with, once.
  const againLog = app.log(again);
  await expect(againLog.locator('.log-row.rx')).toHaveCount(1);
  await expect.poll(() => rowTexts(againLog)).toEqual(before);

  // A second reload brings nothing twice.
  await page.reload();
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible();
  await expect(app.log(app.pane('TCP server 1')).locator('.log-row.rx')).toHaveCount(1);
  await expect.poll(() => rowTexts(app.log(app.pane('TCP server 1')))).toEqual(before);

  // The client goes: its close line comes live, and after a reload it is still after the data.
  await app.send(app.pane('TCP server 1'), 'bye');
  await client.exited(5000);
  await expect(app.log(app.pane('TCP server 1')).getByText('closed by the peer')).toBeVisible();
  const closedRows = await rowTexts(app.log(app.pane('TCP server 1')));
  await page.reload();
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible();
  await expect.poll(() => rowTexts(app.log(app.pane('TCP server 1')))).toEqual(closedRows);
});

const workspaceFile = (wasRunning: boolean) =>
  JSON.stringify({
    format: 'sockpit-workspace',
    version: 1,
    savedAt: '2026-11-30T08:00:00.000Z',
    sessions: [
      { id: 's41', name: 'Meter listener', config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 }, wasRunning },
      { id: 's42', name: 'Sensor feed', config: { kind: 'udp', host: '127.0.0.1', port: 0 }, wasRunning },
    ],
    ui: {
      views: { s41: { receiveEncoding: 'gbk', viewMode: 'both' } },
      layout: { panes: ['s41', 's42'], paneSizes: [0.5, 0.5], activePane: 1 },
    },
  });

test('a workspace file replaces the sessions after asking, shows them stopped, and "Start all" starts them', async ({
  app,
  page,
}) => {
  const running = await app.newSession();
  await app.startServer(running);

  await importFile(page, fileIn('bench.json', workspaceFile(true)));
  const dialog = page.getByRole('alertdialog', { name: 'Replace 1 session?' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('1 of them are running');
  await dialog.getByRole('button', { name: 'Replace' }).click();

  const meter = app.pane('Meter listener');
  const sensor = app.pane('Sensor feed');
  await expect(meter).toBeVisible();
  await expect(sensor).toBeVisible();
  await expect(app.pane('TCP server 1')).toHaveCount(0);
  await expect(meter.getByLabel('Receive encoding')).toHaveValue('gbk');
  await expect(meter.getByRole('button', { name: 'Start', exact: true })).toBeVisible();
  await expect(sensor.getByRole('button', { name: 'Start', exact: true })).toBeVisible();

  await expect(page.getByRole('status').filter({ hasText: '2 sessions were running' })).toBeVisible();
  await page.getByRole('button', { name: 'Start all', exact: true }).click();
  await expect(meter.getByRole('status').filter({ hasText: 'Listening on' })).toBeVisible();
  await expect(sensor.getByRole('status').filter({ hasText: /Listening on|Bound/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Start all', exact: true })).toHaveCount(0);
});

test('a file that is not a workspace is refused in words and nothing changes; export writes the workspace', async ({
  app,
  page,
}) => {
  const server = await app.newSession();
  await server.getByLabel('Receive encoding').selectOption({ label: 'GBK' });

  await importFile(page, fileIn('presets.json', '{"format":"sockpit-presets","version":1,"presets":[]}'));
  await expect(page.getByRole('alert').filter({ hasText: '“presets.json” is not a Sockpit workspace:' })).toContainText(
    'Nothing was changed.',
  );
  await expect(app.pane('TCP server 1')).toBeVisible();

  const menu = await openMenu(page);
  const download = page.waitForEvent('download');
  await menu.getByRole('button', { name: 'Export workspace…' }).click();
  const saved = await (await download).path();
  const document = JSON.parse(readFileSync(saved, 'utf8')) as {
    format: string;
    sessions: Array<{ id: string; name: string }>;
    ui: { views: Record<string, { receiveEncoding?: string }> };
  };
  expect(document.format).toBe('sockpit-workspace');
  expect(document.sessions.map((s) => s.name)).toEqual(['TCP server 1']);
  expect(document.ui.views[document.sessions[0].id].receiveEncoding).toBe('gbk');
});

test('the language and the start-on-open setting are kept in the workspace', async ({ app, page }) => {
  await app.newSession();
  await page.getByLabel('Language').selectOption({ label: '简体中文' });
  const menu = await openMenu(page);
  await menu.getByLabel('打开 Sockpit 时启动上次运行中的会话').check();
  await page.reload();
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible();
  await expect(page.getByRole('button', { name: '新建会话' })).toBeVisible();
  await expect((await openMenu(page)).getByLabel('打开 Sockpit 时启动上次运行中的会话')).toBeChecked();
});

test('"Start all" says beside a session why it could not start, and starts the others', async ({ app, page }) => {
  // A tutorial python server holds the port the workspace's server wants.
  const holder = startPythonProgram(
    [
      'import socket, time',
      's = socket.socket()',
      's.bind(("127.0.0.1", 0))',
      's.listen()',
      'print("listening on port", s.getsockname()[1], flush=True)',
      'time.sleep(30)',
    ].join('\n'),
  );
  const busyPort = Number((await holder.waitForLine(/listening on port (\d+)/))[1]);
  const document = JSON.parse(workspaceFile(true)) as { sessions: Array<{ config: { port: number } }> };
  document.sessions[0].config.port = busyPort;
  await importFile(page, fileIn('busy.json', JSON.stringify(document)));

  await page.getByRole('button', { name: 'Start all', exact: true }).click();
  const meter = app.pane('Meter listener');
  await expect(meter.getByRole('alert')).toContainText(`Port ${busyPort} on 127.0.0.1 is already in use`);
  await expect(meter.getByRole('button', { name: 'Start', exact: true })).toBeVisible();
  await expect(
    app
      .pane('Sensor feed')
      .getByRole('status')
      .filter({ hasText: /Listening on|Bound/ }),
  ).toBeVisible();
});
