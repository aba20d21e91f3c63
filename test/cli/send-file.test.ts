import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../../cli/parse';
import { runCli, startCli, startPeer, stopAll } from '../helpers/processes';

// `--send-file PATH [--chunk BYTES] [--pause MS]` against python3 receivers that hash what they get.

let folder: string;
beforeAll(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'sockpit-cli-file-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));
afterEach(stopAll);

function randomFile(name: string, bytes: number) {
  const data = randomBytes(bytes);
  const file = path.join(folder, name);
  writeFileSync(file, data);
  return { file, sha256: createHash('sha256').update(data).digest('hex') };
}

describe('sockpit --send-file', () => {
  it('tcp-client writes the identical bytes to a python3 server and exits 0', async () => {
    const size = 6 * 1024 * 1024 + 7;
    const { file, sha256 } = randomFile('image.bin', size);
    const peer = startPeer('sha256_tcp_server.py', [0]);
    const port = Number((await peer.waitForLine(/listening on port (\d+)/))[1]);
    const result = await runCli(['tcp-client', `127.0.0.1:${port}`, '--send-file', file, '--json', '--wait', '0']);
    expect(result.code, result.stderr).toBe(0);
    const line = await peer.waitForLine(/received (\d+) sha256 (\w+)/, 20_000);
    expect([Number(line[1]), line[2]]).toEqual([size, sha256]);
    // The file's parts are not printed as sent lines; its end is one "file" event.
    expect(result.events.filter((event) => event.event === 'sent')).toEqual([]);
    const ended = result.events.filter((event) => event.event === 'file' && event.state !== 'sending');
    expect(ended).toEqual([expect.objectContaining({ file: 'image.bin', state: 'done', total: size, sent: size })]);
  }, 30_000);

  it('tcp-server sends the file to the client that connects', async () => {
    const size = 300_001;
    const { file, sha256 } = randomFile('hello.txt', size);
    const cli = startCli(['tcp-server', '--port', '0', '--host', '127.0.0.1', '--send-file', file]);
    const port = Number((await cli.waitForLine(/Listening on 127\.0\.0\.1:(\d+)/))[1]);
    const reader = startPeer('sha256_tcp_client.py', ['127.0.0.1', port]);
    const { code, stdout } = await cli.exited(20_000);
    expect(code).toBe(0);
    expect(stdout).toMatch(/File hello\.txt done: 293\.0 KiB of 293\.0 KiB \(100%\)/);
    const line = await reader.waitForLine(/received (\d+) sha256 (\w+)/, 20_000);
    expect([Number(line[1]), line[2]]).toEqual([size, sha256]);
  }, 30_000);

  it('udp --chunk splits the file into datagrams of that size, in order', async () => {
    const size = 50_000;
    const { file, sha256 } = randomFile('log.txt', size);
    const peer = startPeer('udp_datagram_log.py', [0, 50]);
    const port = Number((await peer.waitForLine(/listening on port (\d+)/))[1]);
    const result = await runCli([
      'udp',
      '--to',
      `127.0.0.1:${port}`,
      '--send-file',
      file,
      '--chunk',
      '1000',
      '--pause',
      '1',
      '--wait',
      '0',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/File log\.txt done: 48\.8 KiB of 48\.8 KiB \(100%\)/);
    const sizes = (await peer.waitForLine(/^sizes (.*)/, 20_000))[1].split(',').map(Number);
    expect(sizes).toEqual(Array(50).fill(1000));
    expect((await peer.waitForLine(/datagrams \d+ sha256 (\w+)/))[1]).toBe(sha256);
  }, 30_000);

  it('exits 1 and says how far it got when the server hangs up halfway', async () => {
    const { file } = randomFile('large.bin', 24 * 1024 * 1024);
    // This server reads 1 MiB and closes.
    const peer = startPeer('sha256_tcp_server.py', [0, 1024 * 1024]);
    const port = Number((await peer.waitForLine(/listening on port (\d+)/))[1]);
    const result = await runCli(['tcp-client', `127.0.0.1:${port}`, '--send-file', file, '--json']);
    expect(result.code).toBe(1);
    const ended = result.events.filter((event) => event.event === 'file' && event.state !== 'sending');
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({ file: 'large.bin', state: 'failed', total: 24 * 1024 * 1024 });
    expect(Number(ended[0].sent)).toBeLessThan(24 * 1024 * 1024);
    expect(String(ended[0].message)).toMatch(/127\.0\.0\.1:\d+/);
  }, 30_000);

  it('exits 1 with the reason when the file is missing, and 2 for a bad --chunk', async () => {
    const missing = path.join(folder, 'missing.bin');
    const peer = startPeer('sha256_tcp_server.py', [0]);
    const port = Number((await peer.waitForLine(/listening on port (\d+)/))[1]);
    const result = await runCli(['tcp-client', `127.0.0.1:${port}`, '--send-file', missing]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`There is no file ${missing}.`);

    const bad = parseArgs(['udp', '--to', '127.0.0.1:9', '--send-file', 'x.bin', '--chunk', 'lots']);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toMatch(/^--chunk: /);
    const stray = parseArgs(['tcp-client', '127.0.0.1:9', '--chunk', '100']);
    expect(stray.ok).toBe(false);
    if (!stray.ok) expect(stray.error.message).toBe('--chunk goes with --send-file PATH.');
    const noTo = parseArgs(['udp', '--send-file', 'x.bin']);
    expect(noTo.ok).toBe(false);
    if (!noTo.ok) expect(noTo.error.message).toMatch(/udp --send-file needs --to HOST:PORT/);
  }, 30_000);
});
