import { expect, test } from './fixtures';
import { startPythonProgram, stopAll } from '../test/helpers/processes';

test.afterEach(() => stopAll());

const CLIENTS = 1500;

test(`${CLIENTS} clients: the list holds only the rows in view, select all and Disconnect closes every one`, async ({
  app,
}) => {
  const server = await app.newSession();
  const port = await app.startServer(server);
  // One python3 process holding many connections, each kept open until the server closes it.
  const peer = startPythonProgram(`
import resource, selectors, socket, time
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, ${CLIENTS} + 100)), hard))
sel = selectors.DefaultSelector()
for _ in range(${CLIENTS}):
    s = socket.create_connection(("127.0.0.1", ${port}))
    sel.register(s, selectors.EVENT_READ)
print("open", ${CLIENTS}, flush=True)
closed, deadline = 0, time.monotonic() + 60
while closed < ${CLIENTS} and time.monotonic() < deadline:
    for key, _ in sel.select(timeout=1):
        try:
            data = key.fileobj.recv(4096)
        except OSError:
            data = b""
        if not data:
            sel.unregister(key.fileobj)
            key.fileobj.close()
            closed += 1
print("closed", closed, flush=True)
`);
  await peer.waitForLine(/^open \d+/, 60_000);

  const toolbar = server.getByRole('toolbar', { name: 'Connections' });
  await expect(toolbar.getByText(`${CLIENTS} client(s)`)).toBeVisible({ timeout: 30_000 });
  const table = server.getByRole('table', { name: 'Connections' });
  await expect(table).toHaveAttribute('aria-rowcount', String(CLIENTS + 1));

  const body = table.locator('.conn-body');
  const counts = () =>
    body.evaluate((scroller) => {
      const box = scroller.getBoundingClientRect();
      const rows = [...scroller.querySelectorAll('[role="row"]')];
      const visible = rows.filter((row) => {
        const r = row.getBoundingClientRect();
        return r.bottom > box.top && r.top < box.bottom;
      }).length;
      return { rendered: rows.length, visible };
    });
  let seen = await counts();
  expect(seen.visible).toBeGreaterThan(0);
  expect(seen.rendered).toBeLessThanOrEqual(2 * seen.visible);

  // Scrolled to the middle and to the end, the rows in the page are the ones there, and still only those.
  await body.evaluate((scroller) => (scroller.scrollTop = scroller.scrollHeight / 2));
  await expect
    .poll(async () => Number(await table.getByRole('row').nth(1).getAttribute('aria-rowindex')))
    .toBeGreaterThan(CLIENTS / 3);
  seen = await counts();
  expect(seen.rendered).toBeLessThanOrEqual(2 * seen.visible);
  await body.evaluate((scroller) => (scroller.scrollTop = scroller.scrollHeight));
  await expect(table.getByRole('row').last()).toHaveAttribute('aria-rowindex', String(CLIENTS + 1));
  seen = await counts();
  expect(seen.rendered).toBeLessThanOrEqual(2 * seen.visible);

  await table.getByRole('checkbox', { name: 'Select all clients' }).check();
  await expect(server.getByLabel('Send to')).toHaveValue('selected');
  await toolbar.getByRole('button', { name: 'Disconnect' }).click();
  expect(Number((await peer.waitForLine(/^closed (\d+)/, 60_000))[1])).toBe(CLIENTS);
  await expect(toolbar.getByText('0 client(s)')).toBeVisible();
  await expect(toolbar.getByRole('button', { name: 'Disconnect' })).toBeDisabled();
  // The newest closed ones stay listed, greyed, with why.
  await expect(table.getByRole('row').nth(1)).toContainText('disconnected by you');
});
