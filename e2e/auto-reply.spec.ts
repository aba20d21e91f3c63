import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures';
import { tcpClient } from './peers';

// Auto-reply rules through the bridge, as a person uses them: the folded "Auto-reply rules" panel of a
// session, a rule added in its editor, a real peer answered, the count in the table, and the "try it" box.

test('a rule added in the UI answers a peer, its count shows, and Try rule shows the bytes', async ({ app }) => {
  const server = await app.newSession();
  const port = await app.startServer(server);
  await server.getByText('Auto-reply rules').click();
  await server.getByRole('button', { name: 'Add rule' }).click();
  const editor = server.getByRole('group', { name: 'Rule' });
  await editor.getByLabel('Rule name').fill('get');
  await editor.getByLabel('Match kind').selectOption({ label: 'Regex' });
  await editor.getByLabel('Pattern', { exact: true }).fill('^GET (\\w+)');
  await editor.getByLabel('Reply', { exact: true }).fill('VALUE {1}');
  await editor.getByLabel('Reply line ending').selectOption({ label: 'LF (\\n)' });
  await editor.getByRole('button', { name: 'Save rule' }).click();
  await expect(editor).toHaveCount(0);

  const table = server.getByRole('table', { name: 'Rules' });
  const row = table.getByRole('row', { name: /get/ });
  await expect(row).toContainText('Regex');
  await expect(row).toContainText('^GET (\\w+)');

  const peer = await tcpClient(port);
  peer.socket.write('GET temp');
  await expect.poll(() => peer.received().toString()).toBe('VALUE temp\n');
  peer.socket.write('GET rpm');
  await expect.poll(() => peer.received().toString()).toBe('VALUE temp\nVALUE rpm\n');
  await expect(row.getByRole('cell').nth(5)).toHaveText('2');
  // The answers are sent records in the log, like any send.
  await expect(app.log(server).locator('.log-row.tx .log-content')).toHaveText(['VALUE temp\n', 'VALUE rpm\n']);

  await server.getByLabel('Sample to try').fill('GET pressure');
  await server.getByRole('button', { name: 'Try rule' }).click();
  const result = server.getByRole('status', { name: 'Try result' });
  await expect(result).toContainText('Rule “get” answers with 15 bytes');
  await expect(result).toContainText('56 41 4C 55 45 20 70 72 65 73 73 75 72 65 0A');
  await expect(result).toContainText('"VALUE pressure\\n"');
  // Trying does not send anything.
  expect(peer.received().toString()).toBe('VALUE temp\nVALUE rpm\n');

  await server.getByLabel('Sample to try').fill('PUT x');
  await server.getByRole('button', { name: 'Try rule' }).click();
  await expect(result).toHaveText('No rule matches.');

  // Disabled, the rule stays silent.
  await table.getByLabel('Rule “get” enabled').uncheck();
  peer.socket.write('GET off');
  await expect(app.log(server).locator('.log-row.rx')).toHaveCount(3);
  await server.getByRole('button', { name: 'Reset counts' }).click();
  await expect(row.getByRole('cell').nth(5)).toHaveText('0');
  expect(peer.received().toString()).toBe('VALUE temp\nVALUE rpm\n');
  peer.socket.destroy();
});

test('a bad regex is refused in words, naming the rule', async ({ app }) => {
  const server = await app.newSession();
  await server.getByText('Auto-reply rules').click();
  await server.getByRole('button', { name: 'Add rule' }).click();
  const editor = server.getByRole('group', { name: 'Rule' });
  await editor.getByLabel('Rule name').fill('broken');
  await editor.getByLabel('Match kind').selectOption({ label: 'Regex' });
  await editor.getByLabel('Pattern', { exact: true }).fill('GET (');
  await editor.getByLabel('Reply', { exact: true }).fill('x');
  await editor.getByRole('button', { name: 'Save rule' }).click();
  await expect(server.getByRole('alert')).toContainText('Rule "broken": The regex /GET (/ is not valid');
  await expect(editor).toBeVisible();
});

test('the rules panel has the same structure in Chinese', async ({ app, page }) => {
  await page.getByLabel('Language').selectOption({ label: '简体中文' });
  await page.getByRole('button', { name: '新建会话' }).click();
  const pane = page.getByRole('region', { name: 'TCP 服务器 1', exact: true });
  await pane.getByText('自动回复规则').click();
  await pane.getByRole('button', { name: '添加规则' }).click();
  const editor = pane.getByRole('group', { name: '规则' });
  await editor.getByLabel('规则名称').fill('读寄存器');
  await editor.getByLabel('匹配方式').selectOption({ label: '十六进制（?? 表示任意字节）' });
  await editor.getByLabel('匹配内容', { exact: true }).fill('01 03 ?? ?? 00 01');
  await editor.getByLabel('回复格式').selectOption({ label: '十六进制' });
  await editor.getByLabel('回复内容', { exact: true }).fill('01 03 02 00 2A');
  await editor.getByLabel('回复校验').selectOption('crc16-modbus');
  await editor.getByRole('button', { name: '保存规则' }).click();
  await expect(pane.getByRole('table', { name: '规则' }).getByRole('row', { name: /读寄存器/ })).toBeVisible();
  await pane.getByLabel('消息格式').selectOption({ label: '十六进制' });
  await pane.getByLabel('试用样例').fill('01 03 00 6B 00 01 F5 D6');
  await pane.getByRole('button', { name: '试用规则' }).click();
  await expect(pane.getByRole('status', { name: '试用结果' })).toContainText('01 03 02 00 2A 39 9B');
  await page.getByLabel('语言').selectOption({ label: 'English' });
  void app;
});

test('rules export to a JSON file and import into another session; a bad file says where it is wrong', async ({
  app,
  bridge,
  page,
}) => {
  const first = await app.newSession();
  const listed = await bridge.command({ type: 'session.list' });
  const sessionId = (listed.value as Array<{ sessionId: string }>)[0].sessionId;
  const rules = {
    version: 1,
    match: 'all',
    rules: [
      {
        name: 'Modbus read',
        enabled: true,
        when: { kind: 'hex', pattern: '01 03 ?? ?? 00 01', whole: false },
        reply: {
          mode: 'hex',
          data: '01 03 02 00 2A',
          encoding: 'utf-8',
          escapes: false,
          lineEnding: 'none',
          checksum: 'crc16-modbus',
        },
        delayMs: 0,
      },
    ],
  };
  expect((await bridge.command({ type: 'rules.set', sessionId, rules })).ok).toBe(true);
  await first.getByText('Auto-reply rules (1)').click();
  const downloading = page.waitForEvent('download');
  await first.getByRole('button', { name: 'Export rules' }).click();
  const download = await downloading;
  const exported = readFileSync((await download.path())!, 'utf8');
  expect(JSON.parse(exported)).toEqual(rules);

  const second = await app.newSession();
  await second.getByText('Auto-reply rules').click();
  const fileInput = second.locator('details.rules-panel input[type="file"]');
  await fileInput.setInputFiles({ name: 'rules.json', mimeType: 'application/json', buffer: Buffer.from(exported) });
  await expect(second.getByRole('table', { name: 'Rules' }).getByRole('row', { name: /Modbus read/ })).toBeVisible();
  await expect(second.getByLabel('When several rules match')).toHaveValue('all');

  const broken = { ...rules, rules: [{ ...rules.rules[0], when: { kind: 'hex', pattern: '01 3' } }] };
  await fileInput.setInputFiles({
    name: 'broken.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(broken)),
  });
  await expect(second.getByRole('alert')).toContainText(
    'broken.json: rules[0].when.pattern: Rule "Modbus read": "3" is not whole bytes',
  );
});
