import { readFile } from 'node:fs/promises';
import type { Locator } from '@playwright/test';
import { expect, test, type App } from './fixtures';
import { startPythonProgram, stopAll } from '../test/helpers/processes';

// Live charts through the bridge, fed by real python3 peers. What a person notices: the latest value in the
// chart's summary, the CSV they download, a throughput figure that moves during a flood, the words in
// Chinese, and a page that does not redo its chart components for every datagram.

test.afterEach(() => stopAll());

const PATTERN = 'T=(-?\\d+\\.\\d+)';

async function openCharts(pane: Locator): Promise<Locator> {
  await pane.getByRole('button', { name: 'Charts', exact: true }).click();
  return pane.getByRole('region', { name: 'Charts', exact: true });
}

/** Fills the "Add chart" form with one regex series and creates the chart; returns its region. */
async function addRegexChart(charts: Locator, title: string, seriesName: string, pattern: string): Promise<Locator> {
  await charts.getByRole('button', { name: 'Add chart' }).click();
  const form = charts.getByRole('form', { name: 'New value chart' });
  await form.getByLabel('Chart name').fill(title);
  await form.getByLabel('Series name').fill(seriesName);
  await form.getByLabel('Pattern (one capture group)').fill(pattern);
  await form.getByRole('button', { name: 'Create chart' }).click();
  await expect(form).toBeHidden();
  return charts.getByRole('region', { name: title, exact: true });
}

function summary(chart: Locator): Locator {
  return chart.locator('.chart-summary');
}

async function renderCount(chart: Locator): Promise<number> {
  return Number(await chart.getAttribute('data-render-count'));
}

/** A python3 TCP client that sends each line as its own write, 150 ms apart, then waits for the server to close. */
function sendLines(port: number, lines: string[]) {
  return startPythonProgram(`
import socket, time
client = socket.create_connection(("127.0.0.1", ${port}))
for line in ${JSON.stringify(lines)}:
    client.sendall(line.encode())
    time.sleep(0.15)
print("sent all", flush=True)
client.settimeout(30)
try:
    while client.recv(4096):
        pass
except OSError:
    pass
client.close()
`);
}

async function startUdp(app: App): Promise<{ pane: Locator; port: number }> {
  const pane = await app.newSession('UDP');
  await pane.getByLabel('Local address').fill('127.0.0.1');
  await pane.getByLabel('Local port').fill('0');
  await pane.getByRole('button', { name: 'Start', exact: true }).click();
  const status = pane.getByRole('status').filter({ hasText: 'Bound to' });
  await expect(status).toBeVisible();
  return { pane, port: Number(/:(\d+)\s*$/.exec(((await status.textContent()) ?? '').trim())?.[1]) };
}

test('a value chart shows the latest temperature a device sent and exports every point as CSV', async ({
  app,
  page,
}) => {
  const server = await app.newSession();
  const port = await app.startServer(server);
  const charts = await openCharts(server);
  await expect(charts.getByRole('region', { name: 'Throughput chart' })).toBeVisible();
  const chart = await addRegexChart(charts, 'Room', 'T', PATTERN);
  await expect(chart.getByRole('img', { name: 'Room: T against time' })).toBeVisible();
  await expect(summary(chart)).toHaveText('No values yet: each received message is searched for them.');

  const peer = sendLines(port, ['T=21.5\n', 'T=22.0\n', 'humidity=40\n', 'T=-1.25\n']);
  await peer.waitForLine(/sent all/);
  await expect(summary(chart)).toContainText('Latest T = -1.25 at');
  await expect(summary(chart)).toContainText('; 3 points');
  // A screen reader hears the same summary as the canvas's description.
  await expect(chart.getByRole('img', { name: 'Room: T against time' })).toHaveAccessibleDescription(
    /^Latest T = -1\.25 at .*; 3 points$/,
  );

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    chart.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('Room.csv');
  const csv = await readFile(await download.path(), 'utf8');
  const lines = csv.trimEnd().split('\r\n');
  expect(lines[0]).toBe('time,T');
  expect(lines.slice(1).map((line) => line.split(',')[1])).toEqual(['21.5', '22', '-1.25']);
  for (const line of lines.slice(1)) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z,/);

  // Paused, the summary stands still and says it is still collecting; the export keeps growing.
  await chart.getByRole('button', { name: 'Pause chart' }).click();
  await expect(chart.getByRole('button', { name: 'Resume chart' })).toHaveAttribute('aria-pressed', 'true');
  await expect(summary(chart)).toContainText('Paused (still collecting)');
  const more = sendLines(port, ['T=30.5\n']);
  await more.waitForLine(/sent all/);
  await expect(app.log(server).locator('.log-row.rx .log-content').last()).toContainText('T=30.5');
  await expect(summary(chart)).toContainText('latest T = -1.25');
  const [paused] = await Promise.all([
    page.waitForEvent('download'),
    chart.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  expect((await readFile(await paused.path(), 'utf8')).trimEnd().split('\r\n').at(-1)).toMatch(/,30\.5$/);
  await chart.getByRole('button', { name: 'Resume chart' }).click();
  await expect(summary(chart)).toContainText('Latest T = 30.5');

  await chart.getByRole('button', { name: 'Remove chart' }).click();
  await expect(chart).toBeHidden();
  // Closed, the charts area is gone from the pane: the log has the room it had before.
  await server.getByRole('button', { name: 'Charts', exact: true }).click();
  await expect(charts).toBeHidden();
});

test('a pattern without a capture group is refused in plain words, and nothing is made', async ({ app }) => {
  const server = await app.newSession();
  const charts = await openCharts(server);
  await charts.getByRole('button', { name: 'Add chart' }).click();
  const form = charts.getByRole('form', { name: 'New value chart' });
  await form.getByLabel('Pattern (one capture group)').fill('T=\\d+');
  await form.getByRole('button', { name: 'Create chart' }).click();
  await expect(form.getByRole('alert')).toHaveText(
    'The pattern needs a capture group: put parentheses around the number, e.g. T=(-?\\d+\\.\\d+).',
  );
  await expect(form.getByLabel('Pattern (one capture group)')).toHaveAttribute('aria-invalid', 'true');
  await form.getByLabel('Source').selectOption({ label: 'Binary field' });
  await form.getByLabel('Offset (bytes)').fill('-3');
  await form.getByRole('button', { name: 'Create chart' }).click();
  await expect(form.getByRole('alert')).toHaveText('The offset is a whole number of bytes from 0 to 1048576.');
  await form.getByRole('button', { name: 'Cancel' }).click();
  await expect(charts.locator('[data-chart="value"]')).toHaveCount(0);
});

test('a flood of 50,000 datagrams: throughput moves, values are taken, and no chart component renders again', async ({
  app,
}) => {
  const { pane, port } = await startUdp(app);
  const charts = await openCharts(pane);
  const throughput = charts.getByRole('region', { name: 'Throughput chart' });
  const chart = await addRegexChart(charts, 'Flood', 'T', PATTERN);
  // Let the first commits (and StrictMode's double effects) settle before counting.
  await expect(summary(throughput)).toContainText('msg/s');
  const before = { throughput: await renderCount(throughput), value: await renderCount(chart) };
  expect(before.throughput).toBeGreaterThan(0);
  expect(before.value).toBeGreaterThan(0);

  // 50,000 small datagrams, each its own record, paced in bursts so that loopback keeps most of them.
  const peer = startPythonProgram(`
import socket, time
sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
deadline = time.monotonic() + 60
for i in range(50000):
    sender.sendto(b"T=%d.5\\n" % (i % 100), ("127.0.0.1", ${port}))
    if i % 500 == 499:
        time.sleep(0.05)
    if time.monotonic() > deadline:
        break
print("sent", i + 1, flush=True)
`);
  // During the flood, the throughput summary shows a non-zero message rate.
  await expect(summary(throughput)).toContainText(/In [\d.]+ (B|KiB|MiB)\/s, [1-9][\d.]* msg\/s/, { timeout: 20_000 });
  await peer.waitForLine(/^sent 50000/, 90_000);
  await expect
    .poll(async () => Number(/; (\d+) points/.exec((await summary(chart).textContent()) ?? '')?.[1] ?? 0), {
      timeout: 20_000,
    })
    .toBeGreaterThan(1000);
  expect(await renderCount(throughput)).toBe(before.throughput);
  expect(await renderCount(chart)).toBe(before.value);
});

test('the charts speak Chinese', async ({ app, page }) => {
  await app.newSession();
  await page.getByLabel('Language').selectOption({ label: '简体中文' });
  // The name the app gave the session follows the language.
  const server = app.pane('TCP 服务器 1');
  await server.getByRole('button', { name: '图表', exact: true }).click();
  const charts = server.getByRole('region', { name: '图表', exact: true });
  await expect(charts.getByRole('region', { name: '吞吐量图表' })).toBeVisible();
  await charts.getByRole('button', { name: '添加图表' }).click();
  const form = charts.getByRole('form', { name: '新建数值图表' });
  await form.getByLabel('正则（含一个捕获组）').fill(PATTERN);
  await form.getByRole('button', { name: '创建图表' }).click();
  const chart = charts.getByRole('region', { name: '图表 1', exact: true });
  await expect(chart.getByRole('button', { name: '暂停图表' })).toBeVisible();
  await expect(chart.getByRole('button', { name: '导出 CSV' })).toBeVisible();
  await expect(summary(chart)).toHaveText('尚无数值：每条收到的消息都会被查找。');
  await page.getByLabel('语言').selectOption({ label: 'English' });
});
