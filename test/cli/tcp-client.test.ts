import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { portOf, runCli, startCli, startPeerOnFreePort, stopAll } from '../helpers/processes';

// `sockpit tcp-client` against real servers: a beginner's python server that expects GBK, and itself.

afterEach(stopAll);

/**
 * A port nothing listens on. It is taken below the ephemeral range (32768+ on Linux), so no test
 * running in parallel can be handed it for its own port-0 server while we connect to it.
 */
async function closedPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    const server = createServer();
    const free = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (!free) continue;
    server.close();
    await once(server, 'close');
    return port;
  }
  throw new Error('found no free port between 20000 and 30000');
}

describe('sockpit tcp-client', () => {
  it('sends GBK to a python server and receives its UTF-8 answer, saved raw with --save', async () => {
    const { peer, port } = await startPeerOnFreePort('gbk_tcp_server.py');
    const dir = mkdtempSync(path.join(tmpdir(), 'sockpit-cli-'));
    const saved = path.join(dir, 'received.bin');
    try {
      const result = await runCli([
        'tcp-client',
        `127.0.0.1:${port}`,
        '--encoding',
        'gbk',
        '--send',
        '你好',
        '--json',
        '--save',
        saved,
      ]);
      expect(result.code, result.stderr).toBe(0);
      await peer.exited();
      expect(peer.stdout()).toContain('received: 你好');

      const expected = Buffer.from('收到: 你好', 'utf8').toString('hex');
      expect(result.events[0]).toMatchObject({ event: 'connected', peer: `127.0.0.1:${port}` });
      expect(result.events.find((event) => event.event === 'sent')).toMatchObject({
        dir: 'tx',
        hex: 'c4e3bac3',
        text: '你好',
        bytes: 4,
      });
      const received = result.events.filter((event) => event.event === 'data');
      expect(received.map((event) => event.hex).join('')).toBe(expected);
      expect(received.every((event) => event.dir === 'rx' && event.peer === `127.0.0.1:${port}`)).toBe(true);
      // The server hung up after answering: the client says so and ends without waiting out --wait.
      expect(result.events.at(-1)).toMatchObject({ event: 'closed', reason: 'peer-closed' });
      expect(readFileSync(saved).toString('hex')).toBe(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('echoes a server greeting back with --echo and keeps the connection until the server closes it', async () => {
    const { peer, port } = await startPeerOnFreePort('echo_expecting_server.py');
    const result = await runCli(['tcp-client', `127.0.0.1:${port}`, '--echo', '--json']);
    expect(result.code, result.stderr).toBe(0);
    await peer.exited();
    const greeting = Buffer.from('你好 device 42\r\n', 'utf8').toString('hex');
    expect(peer.stdout()).toContain(`got back hex: ${greeting}\n`);
    expect(
      result.events
        .filter((event) => event.event === 'data')
        .map((event) => event.hex)
        .join(''),
    ).toBe(greeting);
    expect(
      result.events
        .filter((event) => event.event === 'sent')
        .map((event) => event.hex)
        .join(''),
    ).toBe(greeting);
  });

  it('talks to sockpit tcp-server over IPv6 loopback', async (ctx) => {
    const probe = createServer();
    const usable = await new Promise<boolean>((resolve) => {
      probe.once('error', () => resolve(false));
      probe.listen(0, '::1', () => resolve(true));
    });
    probe.close();
    if (!usable) ctx.skip('this machine has no IPv6 loopback (::1)');

    const server = startCli([
      'tcp-server',
      '--port',
      '0',
      '--host',
      '::1',
      '--json',
      '--count',
      '1',
      '--reply',
      'pong',
    ]);
    const listening = await server.waitForLine(/"event":"listening".*"local":"([^"]+)"/);
    expect(listening[1]).toMatch(/^\[::1\]:\d+$/);
    const result = await runCli(['tcp-client', listening[1], '--send', 'ping', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.events.find((event) => event.event === 'data')).toMatchObject({ text: 'pong', peer: listening[1] });
    expect((await server.exited()).code).toBe(0);
    expect(server.lines().find((event) => event.event === 'data')).toMatchObject({
      text: 'ping',
      peer: expect.stringMatching(/^\[::1\]:\d+$/),
    });
    expect(portOf(listening[1])).toBeGreaterThan(0);
  });

  it('says nothing is listening, in words, with no stack trace', async () => {
    const port = await closedPort();
    const result = await runCli(['tcp-client', `127.0.0.1:${port}`, '--send', 'hello']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Nothing is listening on 127.0.0.1:${port}`);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('reports the refusal as an NDJSON error event too', async () => {
    const port = await closedPort();
    const result = await runCli(['tcp-client', `127.0.0.1:${port}`, '--json']);
    expect(result.code).toBe(1);
    expect(result.events).toEqual([
      expect.objectContaining({
        event: 'error',
        code: 'ECONNREFUSED',
        message: `Nothing is listening on 127.0.0.1:${port}.`,
      }),
    ]);
    expect(result.stderr).toContain('Nothing is listening');
  });

  it('refuses malformed hex naming the position, exit 2', async () => {
    const result = await runCli(['tcp-client', '127.0.0.1:9', '--send-hex', '48 4G']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--send-hex "48 4G": .*"G".*position 4/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('refuses unknown options and a missing HOST:PORT, exit 2', async () => {
    const unknown = await runCli(['tcp-client', '127.0.0.1:9', '--colour']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option "--colour"/);
    const missing = await runCli(['tcp-client', '--send', 'x']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/needs HOST:PORT/);
  });

  it('prints help for every mode and the version', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/tcp-server/);
    const modeHelp = await runCli(['tcp-client', '--help']);
    expect(modeHelp.stdout).toMatch(/--send-hex HEX/);
    const version = await runCli(['--version']);
    expect(version.stdout.trim()).toMatch(/^sockpit \d+\.\d+\.\d+$/);
  });
});
