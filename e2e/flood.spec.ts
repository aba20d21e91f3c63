import { writeFileSync } from 'node:fs';
import type { Locator } from '@playwright/test';
import { expect, test, type App } from './fixtures';
import { startPythonProgram, stopAll, type Child } from '../test/helpers/processes';

// The window under a flood: a real peer sends as fast as loopback allows while the test looks at what a
// person would notice. No timings are asserted here (those are benchmarks); what must hold is that
// nothing is lost from the counters, only visible rows exist, and the controls do what they say.

test.afterEach(() => stopAll());

/**
 * A python3 client that sends `line` (encoded as `encoding`) over and over in 64 KiB writes until
 * `totalBytes` are out, `seconds` have passed or the server closed the connection, prints how many
 * bytes it sent, then waits for the server to close the connection (at most 60 s).
 */
function flood(
  port: number,
  options: { line: string; encoding: 'utf-8' | 'gbk'; totalBytes: number; seconds: number },
): Child {
  return startPythonProgram(`
import socket, time
line = ${JSON.stringify(options.line)}.encode(${JSON.stringify(options.encoding)})
block = line * (65536 // len(line))
client = socket.create_connection(("127.0.0.1", ${port}))
total, deadline, sent = ${options.totalBytes}, time.monotonic() + ${options.seconds}, 0
try:
    while sent < total and time.monotonic() < deadline:
        chunk = block[: min(len(block), total - sent)]
        client.sendall(chunk)
        sent += len(chunk)
except OSError as error:
    print("closed by the server:", error, flush=True)
print("sent", sent, flush=True)
client.settimeout(60)
try:
    while client.recv(65536):
        pass
except OSError:
    pass
client.close()
`);
}

/** Rows in the page against rows a person can see (any part of them inside the scrolled viewport). */
async function rowCounts(log: Locator): Promise<{ rendered: number; visible: number; attribute: number }> {
  return log.locator('.log-rows').evaluate((scroller) => {
    const box = scroller.getBoundingClientRect();
    const rows = [...scroller.querySelectorAll('.log-row')];
    const visible = rows.filter((row) => {
      const r = row.getBoundingClientRect();
      return r.bottom > box.top && r.top < box.bottom && r.height > 0;
    }).length;
    return { rendered: rows.length, visible, attribute: Number((scroller as HTMLElement).dataset.renderedRows) };
  });
}

/** The visible record rows: their seq, length and what they show. */
async function visibleRecords(log: Locator): Promise<Array<{ seq: number; bytes: number; text: string; bad: number }>> {
  return log.locator('.log-rows').evaluate((scroller) => {
    const box = scroller.getBoundingClientRect();
    return [...scroller.querySelectorAll<HTMLElement>('.log-row.rx')]
      .filter((row) => {
        const r = row.getBoundingClientRect();
        return r.bottom > box.top && r.top < box.bottom;
      })
      .map((row) => ({
        seq: Number(row.dataset.seq),
        bytes: Number(row.dataset.bytes),
        text: row.querySelector('.log-content')?.textContent ?? '',
        bad: row.querySelectorAll('.bad-bytes').length,
      }));
  });
}

async function sentBytes(peer: Child): Promise<number> {
  return Number((await peer.waitForLine(/^sent (\d+)/, 60_000))[1]);
}

/** The exact byte counters, which the status line carries beside the rounded figures it shows. */
function bytesIn(pane: Locator): Promise<number> {
  return pane.locator('.status-line .counters').getAttribute('data-bytes-in').then(Number);
}

async function startFloodedServer(
  app: App,
  options: { captureMiB?: string } = {},
): Promise<{ server: Locator; port: number }> {
  const server = await app.newSession();
  if (options.captureMiB) {
    await server.getByText('Options').click();
    await server.getByLabel('Capture limit (MiB)').fill(options.captureMiB);
    await server.getByText('Options').click();
  }
  const port = await app.startServer(server);
  return { server, port };
}

const MIXED = '温度=25.4℃ status OK\t\u0001\u0002 mixed text 0123456789 abcdefghijklmnopqrstuvwxyz ✓\r\n';

test('a flood of mixed text: the counters end exactly at what the peer sent, and only visible rows are in the page', async ({
  app,
}) => {
  const { server, port } = await startFloodedServer(app);
  const peer = flood(port, { line: MIXED, encoding: 'utf-8', totalBytes: 48 * 1024 * 1024, seconds: 20 });
  const log = app.log(server);

  // While it floods, a bounded number of looks: the page never holds more than twice the rows in view.
  for (let look = 0; look < 5; look++) {
    await expect.poll(async () => (await rowCounts(log)).rendered).toBeGreaterThan(0);
    const counts = await rowCounts(log);
    expect(counts.rendered).toBe(counts.attribute);
    expect(counts.rendered).toBeLessThanOrEqual(2 * counts.visible);
  }

  const sent = await sentBytes(peer);
  expect(sent).toBeGreaterThan(0);
  await expect.poll(() => bytesIn(server), { timeout: 20_000 }).toBe(sent);
  await expect(
    server.getByRole('table', { name: 'Connections' }).getByRole('row').nth(1).getByRole('cell').nth(3),
  ).toHaveAttribute('data-bytes', String(sent));

  const after = await rowCounts(log);
  expect(after.visible).toBeGreaterThan(0);
  expect(after.rendered).toBeLessThanOrEqual(2 * after.visible);
  // The newest rows are the flood's text, decoded as UTF-8 with its control characters made visible.
  const newest = await visibleRecords(log);
  expect(newest.length).toBeGreaterThan(0);
  expect(newest.some((row) => row.text.includes('温度=25.4℃ status OK') && row.text.includes('\\x01\\x02'))).toBe(true);
});

test('Pause view during a flood freezes the rows on screen; resuming shows the newest again', async ({ app }) => {
  const { server, port } = await startFloodedServer(app);
  const peer = flood(port, { line: MIXED, encoding: 'utf-8', totalBytes: 2 ** 40, seconds: 12 });
  const log = app.log(server);
  await expect.poll(() => bytesIn(server)).toBeGreaterThan(0);
  await expect.poll(async () => (await visibleRecords(log)).length).toBeGreaterThan(0);

  const pause = server.getByRole('button', { name: 'Pause view' });
  await pause.click();
  await expect(server.getByRole('button', { name: 'Resume view' })).toHaveAttribute('aria-pressed', 'true');
  const frozen = (await visibleRecords(log)).map((row) => row.seq);
  const waiting = log.getByRole('note', { name: 'Rows waiting' });
  // Data keeps arriving behind the paused view…
  await expect.poll(async () => Number(await waiting.getAttribute('data-count'))).toBeGreaterThan(0);
  const firstCount = Number(await waiting.getAttribute('data-count'));
  await expect.poll(async () => Number(await waiting.getAttribute('data-count'))).toBeGreaterThan(firstCount);
  // …and the rows on screen stay exactly the ones that were there when it was clicked.
  expect((await visibleRecords(log)).map((row) => row.seq)).toEqual(frozen);
  const counts = await rowCounts(log);
  expect(counts.rendered).toBeLessThanOrEqual(2 * counts.visible);

  const resume = server.getByRole('button', { name: 'Resume view' });
  await resume.click();
  await expect(pause).toHaveAttribute('aria-pressed', 'false');
  await expect(waiting).toHaveCount(0);
  await expect
    .poll(async () => Math.max(...(await visibleRecords(log)).map((row) => row.seq)))
    .toBeGreaterThan(Math.max(...frozen));

  const sent = await sentBytes(peer);
  await expect.poll(() => bytesIn(server), { timeout: 20_000 }).toBe(sent);
});

test('a paused view in a narrow pane keeps its height and its rows while notes about what it does not show appear', async ({
  app,
  page,
}) => {
  await page.setViewportSize({ width: 560, height: 720 });
  const { server, port } = await startFloodedServer(app, { captureMiB: '1' });
  const go = test.info().outputPath('go');
  // A few lines to pause on; the flood only once the view is paused, so every note below appears under it.
  startPythonProgram(`
import os, socket, time
client = socket.create_connection(("127.0.0.1", ${port}))
for n in range(40):
    client.sendall(b"line %d before the pause\\n" % n)
    time.sleep(0.005)
while not os.path.exists(${JSON.stringify(go)}):
    time.sleep(0.01)
block = ${JSON.stringify(MIXED)}.encode("utf-8") * 700
deadline = time.monotonic() + 8
try:
    while time.monotonic() < deadline:
        client.sendall(block)
except OSError:
    pass
client.close()
`);
  const log = app.log(server);
  await expect.poll(async () => (await visibleRecords(log)).length).toBeGreaterThan(10);
  await server.getByRole('button', { name: 'Pause view' }).click();
  await expect(server.getByRole('button', { name: 'Resume view' })).toHaveAttribute('aria-pressed', 'true');
  const banner = log.getByRole('group', { name: 'Not shown' });
  const heights = async () => ({
    rows: await log.locator('.log-rows').evaluate((element) => element.clientHeight),
    banner: await banner.evaluate((element) => element.getBoundingClientRect().height),
  });
  await expect(banner.getByRole('note', { name: 'Rows waiting' })).toHaveAttribute('data-count', '0');
  const frozen = (await visibleRecords(log)).map((row) => row.seq);
  const before = await heights();

  writeFileSync(go, '');
  // Three notes now share the banner, more than this pane's width holds on one line: some are cut short.
  await expect(banner.getByRole('note', { name: 'Capture evicted' })).toBeVisible({ timeout: 15_000 });
  await expect
    .poll(async () => Number(await banner.getByRole('note', { name: 'Rows waiting' }).getAttribute('data-count')))
    .toBeGreaterThan(1000);
  expect(
    await banner.evaluate((element) => [...element.children].some((note) => note.scrollWidth > note.clientWidth)),
  ).toBe(true);
  expect(await heights()).toEqual(before);
  expect((await visibleRecords(log)).map((row) => row.seq)).toEqual(frozen);
  // A note cut short is whole in its title. Both are read at once: the flood goes on and the note's size with it.
  const evicted = await banner
    .getByRole('note', { name: 'Capture evicted' })
    .evaluate((note) => ({ title: note.getAttribute('title') ?? '', text: note.textContent ?? '' }));
  expect(evicted.text).toMatch(/^Capture evicted \d/);
  expect(evicted.title).toContain(evicted.text);
});

test('switching the receive encoding during and after a flood re-decodes the rows in view', async ({ app }) => {
  const { server, port } = await startFloodedServer(app);
  // GBK text whose every stretch of a few dozen bytes holds 温度, with ASCII that resynchronizes a misaligned read.
  const peer = flood(port, {
    line: '温度温度温度温度温度温度 25.4\r\n',
    encoding: 'gbk',
    totalBytes: 32 * 1024 * 1024,
    seconds: 15,
  });
  const log = app.log(server);
  const longRows = async () => (await visibleRecords(log)).filter((row) => row.bytes >= 256);
  await expect.poll(async () => (await longRows()).length).toBeGreaterThan(0);

  // During the flood: under UTF-8 the GBK bytes are invalid; switched to GBK, the rows in view read as text.
  expect((await longRows()).every((row) => row.bad > 0 && !row.text.includes('温度'))).toBe(true);
  await server.getByLabel('Receive encoding').selectOption({ label: 'GBK' });
  await expect
    .poll(async () => {
      const rows = await longRows();
      return rows.length > 0 && rows.every((row) => row.text.includes('温度温度'));
    })
    .toBe(true);

  // After it: the same rows, read one way and the other, without anything being sent again.
  const sent = await sentBytes(peer);
  await expect.poll(() => bytesIn(server), { timeout: 20_000 }).toBe(sent);
  await expect.poll(async () => (await longRows()).every((row) => row.text.includes('温度温度'))).toBe(true);
  const seqs = (await longRows()).map((row) => row.seq);
  await server.getByLabel('Receive encoding').selectOption({ label: 'UTF-8' });
  await expect
    .poll(async () => (await longRows()).every((row) => row.bad > 0 && !row.text.includes('温度')))
    .toBe(true);
  expect((await longRows()).map((row) => row.seq)).toEqual(seqs);
  await server.getByLabel('Receive encoding').selectOption({ label: 'GBK' });
  await expect.poll(async () => (await longRows()).every((row) => row.text.includes('温度温度'))).toBe(true);
  expect((await longRows()).map((row) => row.seq)).toEqual(seqs);
});

test('a small capture limit: the capture says what it evicted, the counters still add up', async ({ app, page }) => {
  const { server, port } = await startFloodedServer(app, { captureMiB: '0.25' });
  const peer = flood(port, { line: MIXED, encoding: 'utf-8', totalBytes: 16 * 1024 * 1024, seconds: 15 });
  const sent = await sentBytes(peer);
  await expect.poll(() => bytesIn(server), { timeout: 20_000 }).toBe(sent);

  const evicted = app.log(server).getByRole('note', { name: 'Capture evicted' });
  await expect(evicted).toBeVisible();
  await expect(evicted).toContainText('Capture evicted');
  // Everything past the cap went: at least what was sent minus the 256 KiB the capture may hold.
  await expect
    .poll(async () => Number(await evicted.getAttribute('data-bytes')))
    .toBeGreaterThanOrEqual(sent - 256 * 1024);

  await page.getByLabel('Language').selectOption({ label: '简体中文' });
  await expect(page.getByRole('region', { name: '日志' }).getByRole('note', { name: '抓取已淘汰' })).toContainText(
    '抓取已淘汰',
  );
  await page.getByLabel('语言').selectOption({ label: 'English' });
});

test('Disconnect during a flood closes the flooding client', async ({ app }) => {
  const { server, port } = await startFloodedServer(app);
  // Bounded by time, not bytes: the engine now takes 4 GiB in a few seconds, before the click lands.
  const peer = flood(port, { line: MIXED, encoding: 'utf-8', totalBytes: 2 ** 40, seconds: 30 });
  await expect.poll(() => bytesIn(server)).toBeGreaterThan(0);
  const table = server.getByRole('table', { name: 'Connections' });
  await table.getByRole('row').nth(1).getByRole('checkbox').check();
  await server.getByRole('toolbar', { name: 'Connections' }).getByRole('button', { name: 'Disconnect' }).click();
  await peer.waitForLine(/^closed by the server/, 20_000);
  await expect(table.getByRole('row').nth(1)).toContainText('disconnected by you');
  await expect(server.getByRole('toolbar', { name: 'Connections' }).getByText('0 client(s)')).toBeVisible();
});
