import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect, createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../cli/main';
import { readCaptureFile } from '../../shared/contract/capture-file';
import { needs } from '../helpers/peers';
import { portOf, runCli, startCli, startPeer, startProgram, stopAll } from '../helpers/processes';

// `sockpit tcp-server` as a person runs it, with real peers: beginner-style python programs, socat, nc.

afterEach(stopAll);

const GBK_HELLO_HEX = 'c4e3bac3a3ac536f636b706974'; // "你好，Sockpit" in GBK, as python encodes it

async function startServer(args: string[]) {
  const cli = startCli(['tcp-server', '--port', '0', '--host', '127.0.0.1', '--json', ...args]);
  const listening = await cli.waitForLine(/"event":"listening".*"local":"([^"]+)"/);
  return { cli, port: portOf(listening[1]) };
}

describe('sockpit tcp-server', () => {
  it('shows GBK from a python client as text and hex, then ends after --count 1', async () => {
    const { cli, port } = await startServer(['--encoding', 'gbk', '--count', '1']);
    const peer = startPeer('gbk_tcp_client.py', ['127.0.0.1', port]);
    const result = await cli.exited();
    expect(result.code, result.stderr).toBe(0);
    const events = cli.lines();
    expect(events[0]).toMatchObject({ event: 'listening', local: `127.0.0.1:${port}` });
    const accepted = events.find((event) => event.event === 'accepted');
    expect(accepted).toMatchObject({ peer: expect.stringMatching(/^127\.0\.0\.1:\d+$/), conn: expect.any(String) });
    const data = events.filter((event) => event.event === 'data');
    expect(data).toHaveLength(1);
    expect(data[0]).toMatchObject({
      dir: 'rx',
      text: '你好，Sockpit',
      hex: GBK_HELLO_HEX,
      bytes: 13,
      conn: accepted!.conn,
      peer: accepted!.peer,
    });
    expect(String(data[0].time)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    await peer.exited();
  });

  it('answers with --reply, byte for byte, to the client that spoke', async () => {
    const { cli, port } = await startServer([
      '--encoding',
      'gbk',
      '--count',
      '1',
      '--reply',
      '好的\\r\\n',
      '--escapes',
    ]);
    const peer = startPeer('gbk_tcp_client.py', ['127.0.0.1', port]);
    const result = await cli.exited();
    expect(result.code, result.stderr).toBe(0);
    await peer.exited();
    const events = cli.lines();
    const data = events.find((event) => event.event === 'data')!;
    expect(data.text, result.stdout).toBe('你好，Sockpit');
    expect(peer.stdout(), result.stdout).toContain('reply hex: bac3b5c40d0a\n'); // "好的\r\n" in GBK
    const sent = events.find((event) => event.event === 'sent');
    expect(sent).toMatchObject({ dir: 'tx', hex: 'bac3b5c40d0a', text: '好的\r\n', conn: data.conn, peer: data.peer });
  });

  it('echoes what a UTF-8 client sent with --echo', async () => {
    const { cli, port } = await startServer(['--count', '1', '--echo']);
    const peer = startPeer('utf8_tcp_client.py', ['127.0.0.1', port]);
    const result = await cli.exited();
    expect(result.code, result.stderr).toBe(0);
    await peer.exited();
    const data = cli.lines().find((event) => event.event === 'data');
    expect(data).toMatchObject({ text: '你好，世界' });
    expect(peer.stdout(), result.stdout).toContain(`reply hex: ${Buffer.from('你好，世界', 'utf8').toString('hex')}\n`);
    // The engine echoed it, and the echo shows as sent like any send.
    expect(cli.lines().find((event) => event.event === 'sent')).toMatchObject({
      dir: 'tx',
      text: '你好，世界',
      conn: data!.conn,
    });
  });

  it('saves what socat sends as records with --capture-file and --capture-format records', async (ctx) => {
    needs(ctx, 'socat');
    const dir = mkdtempSync(path.join(tmpdir(), 'sockpit-cli-capture-'));
    try {
      const file = path.join(dir, 'capture.spcap');
      const { cli, port } = await startServer([
        '--count',
        '2',
        '--echo',
        '--capture-file',
        file,
        '--capture-format',
        'records',
      ]);
      const socat = startProgram('socat', ['-t', '2', '-', `TCP:127.0.0.1:${port}`], 'line one\n');
      await cli.waitForLine(/"event":"data"/);
      const second = startProgram('socat', ['-t', '2', '-', `TCP:127.0.0.1:${port}`], 'line two\n');
      const result = await cli.exited();
      expect(result.code, result.stderr).toBe(0);
      await Promise.all([socat.exited(), second.exited()]);
      const read = readCaptureFile(readFileSync(file));
      if (!read.ok) throw new Error(read.error.message);
      const lines = read.value.records.map((r) => `${r.dir} ${Buffer.from(r.bytes).toString()}`);
      expect(lines.filter((line) => line.startsWith('rx'))).toEqual(['rx line one\n', 'rx line two\n']);
      expect(lines.filter((line) => line.startsWith('tx')).sort()).toEqual(['tx line one\n', 'tx line two\n']);
      expect(read.value.trailingBytes).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a capture file in a folder that does not exist, in words, before listening', async () => {
    const result = await runCli([
      'tcp-server',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--capture-file',
      '/no/such/folder/capture.bin',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^\[[\d:.]+\] Error: The folder \/no\/such\/folder does not exist\.\n  Hint: Create it first, or choose a file in a folder that exists\.\n$/,
    );
    // Nothing was opened: the file is checked before the session listens.
    expect(result.stdout).toBe('');
  });

  it('decodes a GBK character split across two reads', async () => {
    const { cli, port } = await startServer(['--encoding', 'gbk', '--count', '2']);
    const client = connect(port, '127.0.0.1');
    client.on('error', () => {});
    client.setNoDelay(true);
    await once(client, 'connect');
    const bytes = Buffer.from('c4e3bac3', 'hex'); // 你好
    client.write(bytes.subarray(0, 1));
    await cli.waitForLine(/"event":"data"/);
    client.write(bytes.subarray(1));
    expect((await cli.exited()).code).toBe(0);
    client.destroy();
    const data = cli.lines().filter((event) => event.event === 'data');
    expect(data.map((event) => event.hex)).toEqual(['c4', 'e3bac3']);
    expect(data.map((event) => event.text)).toEqual(['', '你好']);
  });

  it('receives a line from socat', async (ctx) => {
    needs(ctx, 'socat');
    const { cli, port } = await startServer(['--count', '1']);
    const socat = startProgram('socat', ['-t', '1', '-', `TCP:127.0.0.1:${port}`], 'hello from socat\n');
    expect((await cli.exited()).code).toBe(0);
    const data = cli.lines().find((event) => event.event === 'data');
    expect(data).toMatchObject({
      hex: Buffer.from('hello from socat\n').toString('hex'),
      text: 'hello from socat\n',
      bytes: 17,
    });
    await socat.exited();
  });

  it('receives bytes from nc and prints readable lines without --json', async (ctx) => {
    needs(ctx, 'nc');
    const cli = startCli(['tcp-server', '--port', '0', '--host', '127.0.0.1', '--count', '1']);
    const listening = await cli.waitForLine(/^\[\d\d:\d\d:\d\d\.\d{6}\] Listening on 127\.0\.0\.1:(\d+)$/);
    const nc = startProgram('nc', ['-N', '127.0.0.1', listening[1]], 'tab\there\r\n');
    const result = await cli.exited();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^\[\d\d:\d\d:\d\d\.\d{6}\] RX 127\.0\.0\.1:\d+ \(10 B\) tab\\there\\r\\n$/m);
    await nc.exited();
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`shuts down cleanly on ${signal}, closing its clients`, async () => {
      const { cli, port } = await startServer([]);
      const client = connect(port, '127.0.0.1');
      client.on('error', () => {});
      const clientClosed = once(client, 'close');
      await cli.waitForLine(/"event":"accepted"/);
      cli.process.kill(signal);
      const result = await cli.exited();
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toBe('');
      expect(cli.lines().at(-1)).toMatchObject({ event: 'closed', reason: 'server-stopped' });
      await clientClosed;
    });
  }

  it('says the port is busy, in words, with no stack trace', async () => {
    const blocker: Server = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await runCli(['tcp-server', '--port', String(port), '--host', '127.0.0.1']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/already in use/);
      expect(result.stderr).toContain(String(port));
      expect(result.stderr).not.toMatch(/^\s+at /m);
    } finally {
      blocker.close();
    }
  });

  it('refuses port 70000 before touching any socket', async () => {
    const result = await runCli(['tcp-server', '--port', '70000']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--port: The port must be at most 65535/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    // Not a speed target: node's startup is most of it, and a listener opened and failed would not change that,
    // but a hang would show.
    expect(result.ms).toBeLessThan(5000);

    // In process: the engine, the only thing that owns sockets, is never even created.
    const lines: string[] = [];
    const io: CliIo = {
      out: (line) => lines.push(line),
      err: (line) => lines.push(line),
      createEngine: () => {
        throw new Error('no engine should be created for an invalid command line');
      },
      onStopSignal: () => () => {},
    };
    expect(await main(['tcp-server', '--port', '70000'], io)).toBe(2);
    expect(lines.join('\n')).toMatch(/65535/);
  });
});
