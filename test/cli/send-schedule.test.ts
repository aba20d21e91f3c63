import { afterEach, describe, expect, it } from 'vitest';
import { parseArgs } from '../../cli/parse';
import { portOf, runCli, startCli, startPeer, stopAll, type Child } from '../helpers/processes';

// --interval, --repeat, --counter and --greeting against the servers and clients of socket tutorials.

afterEach(stopAll);

async function peerOnFreePort(script: string, args: Array<string | number> = []) {
  const peer = startPeer(script, [0, ...args]);
  const port = Number((await peer.waitForLine(/listening on port (\d+)/))[1]);
  return { peer, port };
}

/** What the tutorial server's recv(1024) got, one entry per recv. */
function recvs(peer: Child): string[] {
  return peer
    .stdout()
    .split('\n')
    .filter((line) => line.startsWith('recv '))
    .map((line) => Buffer.from(line.slice(5), 'hex').toString('utf8'));
}

describe('sockpit pacing its sends', () => {
  it('three --send items reach a recv(1024) server as three separate messages', async () => {
    const { peer, port } = await peerOnFreePort('recv_print_server.py');
    const result = await runCli([
      'tcp-client',
      `127.0.0.1:${port}`,
      '--send',
      '一',
      '--send',
      '二',
      '--send',
      '三',
      '--interval',
      '200',
      '--wait',
      '100',
    ]);
    expect(result.code, result.stderr).toBe(0);
    await peer.waitForLine(/^done/);
    expect(recvs(peer)).toEqual(['一', '二', '三']);
  });

  it('--repeat 5 --interval 50 --counter 1:1:1 sends the bytes 1 to 5 in order', async () => {
    const { peer, port } = await peerOnFreePort('recv_print_server.py');
    const result = await runCli([
      'tcp-client',
      `127.0.0.1:${port}`,
      '--send-hex',
      '{counter}',
      '--counter',
      '1:1:1',
      '--repeat',
      '5',
      '--interval',
      '50',
      '--wait',
      '100',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    await peer.waitForLine(/^done/);
    const onWire = peer
      .stdout()
      .split('\n')
      .filter((line) => line.startsWith('recv '))
      .map((line) => line.slice(5))
      .join('');
    expect(onWire).toBe('0102030405');
    expect(result.events.filter((e) => e.event === 'sent').map((e) => e.hex)).toEqual(['01', '02', '03', '04', '05']);
  });

  it('greets every client of a tcp-server, counting, and greets the server a tcp-client connects to', async () => {
    const cli = startCli([
      'tcp-server',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--greeting',
      'hi {counter}',
      '--counter',
      '1:1:1:text',
      '--json',
    ]);
    await cli.waitForLine(/"event":"listening"/);
    const port = portOf(cli.lines().find((e) => e.event === 'listening')!.local);
    for (const expected of ['hi 1', 'hi 2']) {
      const reader = startPeer('greeting_reader_client.py', ['127.0.0.1', port]);
      await reader.waitForLine(new RegExp(`^greeted with ${Buffer.from(expected).toString('hex')}$`));
      await reader.exited();
    }
    cli.process.kill('SIGINT');
    await cli.exited();

    const { peer, port: serverPort } = await peerOnFreePort('greeted_server.py', [1]);
    const result = await runCli([
      'tcp-client',
      `127.0.0.1:${serverPort}`,
      '--greeting-hex',
      '48 45 4C 4C 4F',
      '--timeout',
      '2',
    ]);
    expect(result.code, result.stderr).toBe(0);
    await peer.exited();
    expect(peer.stdout()).toContain('first words 1 HELLO');
  });
});

describe('sockpit refusing bad pacing', () => {
  const problem = (argv: string[]) => {
    const parsed = parseArgs(argv);
    return parsed.ok ? 'accepted' : parsed.error.message;
  };
  it('says what is wrong with --interval, --repeat and --counter', () => {
    const base = ['tcp-client', '127.0.0.1:7', '--send', 'x'];
    expect(problem([...base, '--interval', '0'])).toBe('--interval: The interval must be at least 1 ms.');
    expect(problem([...base, '--interval', '90000000'])).toBe(
      '--interval: The interval must be at most 24 hours (86400000 ms).',
    );
    expect(problem([...base, '--repeat', 'often'])).toBe(
      '--repeat needs a whole number of times from 1, or "forever", not "often".',
    );
    expect(problem([...base, '--counter', '1:1:3'])).toBe('--counter "1:1:3": The width is 1, 2 or 4 bytes.');
    expect(problem([...base, '--send', '{cnt}'])).toContain('Unknown placeholder {cnt} at character 1.');
    expect(problem(['tcp-client', '127.0.0.1:7', '--interval', '10'])).toBe(
      '--interval paces --send and --send-hex items; give at least one.',
    );
    expect(problem([...base, '--repeat', 'forever', '--interval', '5'])).toBe('accepted');
  });
});
