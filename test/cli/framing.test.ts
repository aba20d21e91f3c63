import { afterEach, describe, expect, it } from 'vitest';
import { parseArgs } from '../../cli/parse';
import { needs } from '../helpers/peers';
import {
  portOf,
  runCli,
  startCli,
  startPeerOnFreePort,
  startProgram,
  startPythonProgram,
  stopAll,
} from '../helpers/processes';

// `sockpit … --frame SPEC`: each received message is one line (one `data` event with --json), against a
// python3 Modbus device, python clients and socat.

afterEach(stopAll);

describe('sockpit --frame', () => {
  it('modbus-rtu --json: a device writing three frames at once and one in three pieces gives four data events, the bad CRC marked', async () => {
    const { peer: device, port } = await startPeerOnFreePort('modbus_rtu_device.py');
    const result = await runCli(['tcp-client', `127.0.0.1:${port}`, '--frame', 'modbus-rtu', '--json', '--count', '4']);
    expect(result.code, result.stderr).toBe(0);
    const sent = (await device.waitForLine(/^sent ([0-9a-f]+)/))[1];
    const data = result.events.filter((event) => event.event === 'data');
    expect(data.map((event) => event.hex)).toEqual([
      sent.slice(0, 18),
      sent.slice(18, 34),
      sent.slice(34, 52),
      sent.slice(52),
    ]);
    expect(data.map((event) => event.bytes)).toEqual([9, 8, 9, 11]);
    expect(data.map((event) => event.bad)).toEqual([
      undefined,
      undefined,
      'CRC does not match (CRC-16/MODBUS)',
      undefined,
    ]);
    expect(data.every((event) => event.dir === 'rx' && typeof event.conn === 'string')).toBe(true);
  });

  it('delimiter:0A on a server: readable lines, one per message, and --count counts messages', async () => {
    const cli = startCli([
      'tcp-server',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--frame',
      'delimiter:0A',
      '--count',
      '3',
    ]);
    const listening = await cli.waitForLine(/Listening on (\S+)/);
    const client = startPythonProgram(
      [
        'import socket, time',
        `s = socket.create_connection(("127.0.0.1", ${portOf(listening[1])}))`,
        's.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)',
        's.sendall(b"temp=21.5\\nhum")',
        'time.sleep(0.1)',
        's.sendall(b"idity=40\\nwind=3\\nrest\\n")',
        'time.sleep(1)',
        's.close()',
      ].join('\n'),
    );
    const result = await cli.exited();
    expect(result.code, result.stderr).toBe(0);
    const rx = result.stdout.split('\n').filter((line) => / RX /.test(line));
    expect(rx).toHaveLength(3);
    expect(rx[0]).toMatch(/ RX 127\.0\.0\.1:\d+ \(9 B\) temp=21\.5$/);
    expect(rx[1]).toMatch(/ RX 127\.0\.0\.1:\d+ \(11 B\) humidity=40$/);
    expect(rx[2]).toMatch(/ RX 127\.0\.0\.1:\d+ \(6 B\) wind=3$/);
    client.process.kill();
  });

  it('line framing of socat’s bytes, with --reply answering each line', async (ctx) => {
    needs(ctx, 'socat');
    const cli = startCli([
      'tcp-server',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--frame',
      'line',
      '--reply',
      'ok',
      '--json',
    ]);
    const listening = await cli.waitForLine(/"event":"listening".*"local":"([^"]+)"/);
    const socat = startProgram('socat', ['-t', '1', '-', `TCP:127.0.0.1:${portOf(listening[1])}`], 'a\r\nb\nc');
    const peer = await socat.exited();
    expect(peer.stdout).toBe('okok');
    await cli.waitForLine(/"event":"closed"/);
    cli.process.kill('SIGINT');
    await cli.exited();
    const data = cli.lines().filter((event) => event.event === 'data');
    expect(data.map((event) => [event.text, event.bad])).toEqual([
      ['a', undefined],
      ['b', undefined],
      ['c', 'incomplete: the stream ended 1 byte into a message'],
    ]);
  });

  it('a wrong --frame is refused before any socket opens, saying what is wrong', async () => {
    const result = await runCli(['tcp-server', '--port', '0', '--frame', 'delimiter:0D0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^sockpit: --frame "delimiter:0D0": The delimiter is not valid hex: Odd number of hex digits/,
    );
    expect(result.stdout).toBe('');
  });

  it('parses every mode into the session config', () => {
    const framingOf = (spec: string) => {
      const parsed = parseArgs(['udp', '--frame', spec]);
      if (!parsed.ok || parsed.value.action !== 'run') throw new Error(`refused ${spec}`);
      return parsed.value.create.config.framing;
    };
    expect(framingOf('json-lines')).toMatchObject({ mode: 'json-lines' });
    expect(framingOf('fixed:16')).toEqual({ mode: 'fixed', length: 16 });
    expect(framingOf('length:4:2:be:0')).toMatchObject({ mode: 'length-field', offset: 4, size: 2, endian: 'be' });
    expect(framingOf('idle:50')).toMatchObject({ mode: 'idle-gap', gapMs: 50 });
    expect(framingOf('modbus-tcp')).toEqual({ mode: 'modbus-tcp' });
    const unparsed = parseArgs(['udp', '--frame', 'every-byte']);
    expect(unparsed.ok).toBe(false);
    if (!unparsed.ok) expect(unparsed.error.message).toBe('--frame "every-byte": Unknown framing "every-byte".');
  });
});
