import type { Locator } from '@playwright/test';
import { expect, test } from './fixtures';
import { startPythonProgram, stopAll } from '../test/helpers/processes';

// A tab reloaded while a peer floods a session: it must read back a bounded snapshot and catch up, not fall
// behind at every reconnect, and what a person sends meanwhile must go out once and be answered.

test.afterEach(() => stopAll());

const MESSAGES = 10;

/**
 * A python3 client that floods the server in 64 KiB writes until it has received all the messages "<msg-N>"
 * from the server (or `seconds` passed), then pauses and sends one line "alive-marker". It prints "got <msg-N>"
 * for every message it receives, and "sent BYTES" when the flood ends.
 */
function floodingPeer(port: number, seconds: number) {
  return startPythonProgram(`
import re, socket, threading, time
client = socket.create_connection(("127.0.0.1", ${port}))
block = (b"flood " + b"x" * 56 + b"\\r\\n") * 1024
got = []
all_got = threading.Event()

def flood():
    sent = 0
    deadline = time.monotonic() + ${seconds}
    try:
        while time.monotonic() < deadline and not all_got.is_set():
            client.sendall(block)
            sent += len(block)
        time.sleep(0.5)
        client.sendall(b"alive-marker\\r\\n")
    except OSError as error:
        print("flood failed:", error, flush=True)
    print("sent", sent, flush=True)

threading.Thread(target=flood, daemon=True).start()
client.settimeout(90)
received = b""
try:
    while True:
        data = client.recv(65536)
        if not data:
            break
        received += data
        for text in re.findall(rb"<msg-\\d+>", received)[len(got):]:
            got.append(text.decode())
            print("got", text.decode(), flush=True)
        if len(got) >= ${MESSAGES}:
            all_got.set()
except OSError:
    pass
`);
}

function bytesIn(pane: Locator): Promise<number> {
  return pane.locator('.status-line .counters').getAttribute('data-bytes-in').then(Number);
}

test('a tab reloaded during a flood catches up, and ten sends made at once each arrive once with no error', async ({
  app,
  page,
}) => {
  test.setTimeout(150_000);
  const first = await app.newSession();
  const name = (await first.getAttribute('aria-label')) ?? '';
  const port = await app.startServer(first);
  const peer = floodingPeer(port, 60);
  await expect(first.getByRole('table', { name: 'Connections' }).getByRole('row')).toHaveCount(2);

  // The capture (64 MiB by default) is full of 64 KiB records: a snapshot of its newest 2000 records is all of it.
  await expect.poll(() => bytesIn(first), { timeout: 60_000 }).toBeGreaterThan(80 * 1024 * 1024);
  await page.reload();

  const server = app.pane(name);
  await expect(server.getByRole('status').filter({ hasText: 'Listening on' })).toBeVisible({ timeout: 10_000 });
  const message = server.getByLabel('Message');
  const send = server.getByRole('button', { name: 'Send', exact: true });
  for (let n = 1; n <= MESSAGES; n++) {
    await message.fill(`<msg-${n}>`);
    await send.click();
  }

  await peer.waitForLine(new RegExp(`^sent \\d+`), 60_000);
  // The flood is over; the peer's last line must reach the view promptly: the tab is live, not reconnecting.
  await expect(app.log(server).getByText('alive-marker')).toBeVisible({ timeout: 2000 });
  await expect(server.getByRole('alert')).toHaveCount(0);
  await expect(page.getByText(/lost before it answered/)).toHaveCount(0);

  const got = peer
    .stdout()
    .split('\n')
    .filter((line) => line.startsWith('got '))
    .map((line) => line.slice(4));
  expect(got.sort()).toEqual(Array.from({ length: MESSAGES }, (_, i) => `<msg-${i + 1}>`).sort());
});
