import { afterEach, describe, expect, it } from 'vitest';
import { needs } from '../helpers/peers';
import { portOf, runCli, startCli, startPeerOnFreePort, startProgram, stopAll } from '../helpers/processes';

// `sockpit udp` with real peers: a beginner's python echo server with a too-small buffer, socat and nc.

afterEach(stopAll);

async function startUdpReplier(extra: string[] = []) {
  const cli = startCli(['udp', '--bind', '127.0.0.1:0', '--reply', 'pong', '--json', '--count', '1', ...extra]);
  const listening = await cli.waitForLine(/"event":"listening".*"local":"([^"]+)"/);
  return { cli, port: portOf(listening[1]) };
}

describe('sockpit udp', () => {
  it('sends to a python server and shows its ACK, then exits after --wait', async () => {
    const { peer, port } = await startPeerOnFreePort('udp_echo_server.py');
    const result = await runCli([
      'udp',
      '--to',
      `127.0.0.1:${port}`,
      '--send',
      'hi there',
      '--send-hex',
      '61 62 63',
      '--json',
      '--wait',
      '1500',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const sent = result.events.filter((event) => event.event === 'sent');
    expect(sent.map((event) => event.hex)).toEqual(['6869207468657265', '616263']);
    const replies = result.events.filter((event) => event.event === 'data');
    expect(replies.map((event) => event.text)).toEqual(['ACK HI THERE', 'ACK ABC']);
    expect(
      replies.every((event) => event.peer === `127.0.0.1:${port}` && event.dir === 'rx' && event.conn === undefined),
    ).toBe(true);
    expect(peer.stdout()).toContain('got 6869207468657265');
  });

  it('shows that the python server cut a long datagram at its 16-byte buffer', async () => {
    const { port } = await startPeerOnFreePort('udp_echo_server.py');
    const result = await runCli([
      'udp',
      '--to',
      `127.0.0.1:${port}`,
      '--send',
      'abcdefghijklmnopqrstuvwxyz',
      '--json',
      '--count',
      '1',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.events.find((event) => event.event === 'data')).toMatchObject({
      text: 'ACK ABCDEFGHIJKLMNOP',
      bytes: 20,
    });
  });

  it('answers socat with --reply', async (ctx) => {
    needs(ctx, 'socat');
    const { cli, port } = await startUdpReplier();
    const socat = startProgram('socat', ['-t', '2', '-', `UDP:127.0.0.1:${port}`], 'ping\n');
    const answer = await socat.exited();
    expect(answer.stdout).toBe('pong');
    expect((await cli.exited()).code).toBe(0);
    const events = cli.lines();
    const data = events.find((event) => event.event === 'data')!;
    expect(data).toMatchObject({ dir: 'rx', hex: '70696e670a', text: 'ping\n', bytes: 5 });
    expect(events.find((event) => event.event === 'sent')).toMatchObject({
      dir: 'tx',
      hex: '706f6e67',
      peer: data.peer,
    });
  });

  it('answers nc -u with --reply', async (ctx) => {
    needs(ctx, 'nc');
    const { cli, port } = await startUdpReplier();
    const nc = startProgram('nc', ['-u', '-w', '1', '127.0.0.1', String(port)], 'ping\n');
    await nc.waitForLine(/pong/, 5000);
    expect((await cli.exited()).code).toBe(0);
    expect(cli.lines().find((event) => event.event === 'data')).toMatchObject({ hex: '70696e670a' });
    await nc.exited();
  });

  it('prints readable lines and stops at --timeout', async () => {
    const { port } = await startPeerOnFreePort('udp_echo_server.py');
    const result = await runCli(['udp', '--to', `127.0.0.1:${port}`, '--send', 'x', '--reply', 'y', '--timeout', '1']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^\[\d\d:\d\d:\d\d\.\d{6}\] TX 127\.0\.0\.1:\d+ \(1 B\) x$/m);
    expect(result.stdout).toMatch(/^\[\d\d:\d\d:\d\d\.\d{6}\] RX 127\.0\.0\.1:\d+ \(5 B\) ACK X$/m);
  });
});
