import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { helpText } from '../../cli/help';
import { formatEvent, isoMicros, visibleText } from '../../cli/output';
import { parseArgs, splitEndpoint, type CliRun } from '../../cli/parse';

function run(argv: string[]): CliRun {
  const parsed = parseArgs(argv);
  if (!parsed.ok) throw new Error(`expected success, got: ${parsed.error.message}`);
  if (parsed.value.action !== 'run') throw new Error(`expected a run, got ${parsed.value.action}`);
  return parsed.value;
}

function problem(argv: string[]): { code: string; message: string; hint?: string; position?: number } {
  const parsed = parseArgs(argv);
  if (parsed.ok) throw new Error(`expected an error for ${argv.join(' ')}`);
  return parsed.error;
}

describe('parseArgs: tcp-server', () => {
  it('builds a validated create command with the contract defaults', () => {
    const options = run(['tcp-server', '--port', '7890']);
    expect(options.mode).toBe('tcp-server');
    expect(options.create.config).toMatchObject({ kind: 'tcp-server', host: '0.0.0.0', port: 7890 });
    expect(options).toMatchObject({ encoding: 'utf-8', json: false, hex: false, sends: [] });
    expect(options.reply).toBeUndefined();
    expect(options.waitMs).toBeUndefined();
  });

  it('takes every server option', () => {
    const options = run([
      'tcp-server',
      '--port=0',
      '--host',
      '::1',
      '--encoding',
      'GBK',
      '--max-clients',
      '3',
      '--idle-timeout',
      '2.5',
      '--json',
      '--hex',
      '--count',
      '4',
      '--timeout',
      '1.5',
      '--save',
      '/tmp/x.bin',
      '--reply',
      'ok\\r\\n',
      '--escapes',
      '--line-ending',
      'crlf',
      '--checksum',
      'sum8',
    ]);
    expect(options.create.config).toMatchObject({
      kind: 'tcp-server',
      host: '::1',
      port: 0,
      maxClients: 3,
      idleTimeoutMs: 2500,
    });
    expect(options).toMatchObject({
      encoding: 'gbk',
      json: true,
      hex: true,
      count: 4,
      timeoutMs: 1500,
      captureFile: { path: '/tmp/x.bin', format: 'raw', append: false },
    });
    expect(options.reply).toEqual({
      kind: 'payload',
      option: '--reply',
      payload: { mode: 'text', data: 'ok\\r\\n', encoding: 'gbk', escapes: true, lineEnding: 'crlf', checksum: 'sum8' },
    });
  });

  it("takes --reply-hex, and --echo as the engine's echo option in every mode", () => {
    expect(run(['tcp-server', '--port', '1', '--reply-hex', '4f 4b']).reply).toMatchObject({
      kind: 'payload',
      payload: { mode: 'hex', data: '4f 4b' },
    });
    const echo = run(['tcp-server', '--port', '1', '--echo']);
    expect(echo.reply).toBeUndefined();
    expect(echo.create.config.echo).toBe(true);
    expect(run(['tcp-server', '--port', '1']).create.config.echo).toBe(false);
    expect(run(['udp', '--echo']).create.config.echo).toBe(true);
    const client = run(['tcp-client', 'localhost:80', '--send', 'x', '--echo']);
    expect(client.create.config.echo).toBe(true);
    // An echoing client keeps answering: no default end after its sends.
    expect(client.waitMs).toBeUndefined();
  });

  it('takes --capture-file with a format and append; --save is raw capture', () => {
    expect(
      run([
        'tcp-server',
        '--port',
        '1',
        '--capture-file',
        '/tmp/a.spcap',
        '--capture-format',
        'records',
        '--capture-append',
      ]).captureFile,
    ).toEqual({
      path: '/tmp/a.spcap',
      format: 'records',
      append: true,
    });
    expect(run(['udp', '--capture-file', 'rel/out.bin']).captureFile).toEqual({
      path: path.resolve('rel/out.bin'),
      format: 'raw',
      append: false,
    });
    expect(problem(['udp', '--capture-file', '/tmp/a', '--capture-format', 'pcap']).message).toMatch(
      /^--capture-format: The capture file format is "raw" .* or "records"/,
    );
    expect(problem(['udp', '--capture-format', 'raw']).message).toBe('--capture-format needs --capture-file FILE.');
    expect(problem(['udp', '--capture-append']).message).toBe('--capture-append needs --capture-file FILE.');
    expect(problem(['udp', '--save', '/tmp/a', '--capture-file', '/tmp/b']).message).toMatch(
      /--save FILE is short for --capture-file FILE --capture-format raw/,
    );
    expect(problem(['udp', '--capture-file', '']).message).toBe('--capture-file needs a file name.');
  });

  it('refuses port 70000 with the contract message', () => {
    const error = problem(['tcp-server', '--port', '70000']);
    expect(error.code).toBe('E_VALIDATION');
    expect(error.message).toContain('--port');
    expect(error.message).toContain('65535');
  });

  it('refuses a port that is not a number, an empty host and a missing port', () => {
    expect(problem(['tcp-server', '--port', 'http']).message).toMatch(/--port: The port must be a number/);
    expect(problem(['tcp-server', '--port', '1', '--host', '']).message).toMatch(/--host: The host is empty/);
    expect(problem(['tcp-server']).message).toMatch(/needs --port/);
  });

  it('refuses --reply with --echo, and --reply with --reply-hex', () => {
    expect(problem(['tcp-server', '--port', '1', '--reply', 'x', '--echo']).message).toMatch(/--reply and --echo/);
    expect(problem(['tcp-server', '--port', '1', '--reply', 'x', '--reply-hex', '00']).message).toMatch(
      /--reply and --reply-hex/,
    );
  });

  it('refuses bad idle timeouts and client limits', () => {
    expect(problem(['tcp-server', '--port', '1', '--idle-timeout', 'soon']).message).toMatch(
      /--idle-timeout needs a number of seconds/,
    );
    expect(problem(['tcp-server', '--port', '1', '--idle-timeout', '0.01']).message).toMatch(
      /--idle-timeout: .*100 ms/,
    );
    expect(problem(['tcp-server', '--port', '1', '--max-clients', '0']).message).toMatch(/--max-clients/);
  });
});

describe('parseArgs: tcp-client', () => {
  it('keeps --send and --send-hex in the order given', () => {
    const options = run([
      'tcp-client',
      '127.0.0.1:7890',
      '--send',
      'a',
      '--send-hex',
      '0d 0a',
      '--send',
      'b',
      '--encoding',
      'gbk',
    ]);
    expect(options.create.config).toMatchObject({ kind: 'tcp-client', host: '127.0.0.1', port: 7890 });
    expect(options.sends.map((send) => [send.mode, send.data, send.encoding])).toEqual([
      ['text', 'a', 'gbk'],
      ['hex', '0d 0a', 'gbk'],
      ['text', 'b', 'gbk'],
    ]);
    expect(options.waitMs).toBe(1000);
  });

  it('takes --wait and --save; without sends it listens until something ends it', () => {
    expect(run(['tcp-client', 'localhost:80', '--send', 'x', '--wait', '250']).waitMs).toBe(250);
    expect(run(['tcp-client', 'localhost:80', '--save', 'out.bin']).captureFile).toEqual({
      path: path.resolve('out.bin'),
      format: 'raw',
      append: false,
    });
    expect(run(['tcp-client', 'localhost:80']).waitMs).toBeUndefined();
    expect(problem(['tcp-client', 'localhost:80', '--wait', 'long']).message).toMatch(/--wait needs a whole number/);
  });

  it('accepts IPv6 in brackets', () => {
    expect(run(['tcp-client', '[::1]:7890']).create.config).toMatchObject({ host: '::1', port: 7890 });
  });

  it('refuses a missing HOST:PORT, a missing port, bare IPv6 and port 0', () => {
    expect(problem(['tcp-client']).message).toMatch(/needs HOST:PORT/);
    expect(problem(['tcp-client', '127.0.0.1']).message).toMatch(/no port/);
    expect(problem(['tcp-client', '::1:7890']).message).toMatch(/brackets/);
    expect(problem(['tcp-client', '127.0.0.1:0']).message).toMatch(/PORT: Port 0 cannot be connected to/);
    expect(problem(['tcp-client', ':7890']).message).toMatch(/HOST: The host is empty/);
    expect(problem(['tcp-client', 'a:1', 'b:2']).message).toMatch(/one too many/);
  });

  it('refuses malformed hex naming the position, before anything runs', () => {
    const error = problem(['tcp-client', '127.0.0.1:1', '--send-hex', '48 4G']);
    expect(error.code).toBe('E_HEX');
    expect(error.position).toBe(4);
    expect(error.message).toContain('--send-hex "48 4G"');
    expect(error.message).toMatch(/position 4/);
  });

  it('refuses text the encoding cannot write', () => {
    const error = problem(['tcp-client', '127.0.0.1:1', '--encoding', 'ascii', '--send', 'héllo']);
    expect(error.code).toBe('E_ENCODING');
    expect(error.message).toMatch(/position 1/);
  });
});

describe('parseArgs: udp', () => {
  it('binds and aims', () => {
    const options = run(['udp', '--bind', '127.0.0.1:0', '--to', '127.0.0.1:9000', '--send', 'ping', '--broadcast']);
    expect(options.create.config).toMatchObject({
      kind: 'udp',
      host: '127.0.0.1',
      port: 0,
      remoteHost: '127.0.0.1',
      remotePort: 9000,
      broadcast: true,
    });
    expect(options.waitMs).toBe(1000);
  });

  it('takes a bare port for --bind and uses an IPv6 socket for an IPv6 destination', () => {
    expect(run(['udp', '--bind', '9000']).create.config).toMatchObject({ host: '0.0.0.0', port: 9000 });
    expect(run(['udp', '--bind', '[::1]:0']).create.config).toMatchObject({ host: '::1', port: 0 });
    expect(run(['udp', '--to', '[::1]:9000', '--send', 'x']).create.config).toMatchObject({
      host: '::',
      remoteHost: '::1',
      remotePort: 9000,
    });
  });

  it('answers the sender with --reply and then does not stop by itself', () => {
    const options = run(['udp', '--bind', '127.0.0.1:0', '--reply', 'pong', '--json']);
    expect(options.reply).toMatchObject({ kind: 'payload', payload: { mode: 'text', data: 'pong' } });
    expect(options.waitMs).toBeUndefined();
  });

  it('refuses --send without --to, and bad --to/--bind values', () => {
    expect(problem(['udp', '--send', 'x']).message).toMatch(/needs --to/);
    expect(problem(['udp', '--to', '127.0.0.1:70000']).message).toMatch(
      /--to \(port\): The port must be at most 65535/,
    );
    expect(problem(['udp', '--bind', 'nowhere']).message).toMatch(/--bind/);
  });
});

describe('parseArgs: common', () => {
  it('answers --help and --version, for the tool and for a mode', () => {
    expect(parseArgs(['--help'])).toEqual({ ok: true, value: { action: 'help', mode: undefined } });
    expect(parseArgs(['-h'])).toEqual({ ok: true, value: { action: 'help', mode: undefined } });
    expect(parseArgs(['udp', '--help'])).toEqual({ ok: true, value: { action: 'help', mode: 'udp' } });
    expect(parseArgs(['tcp-client', '--port', '99999', '--help'])).toMatchObject({
      ok: true,
      value: { action: 'help', mode: 'tcp-client' },
    });
    expect(parseArgs(['--version'])).toEqual({ ok: true, value: { action: 'version' } });
  });

  it('refuses unknown options and modes, options of another mode, and repeats', () => {
    expect(problem(['tcp-server', '--port', '1', '--colour']).message).toMatch(/Unknown option "--colour"/);
    expect(problem(['tcp-server', '--port', '1', '-x']).message).toMatch(/Unknown option "-x"/);
    expect(problem(['telnet']).message).toMatch(/Unknown mode "telnet"/);
    expect(problem([]).message).toMatch(/Choose a mode/);
    expect(problem(['tcp-server', '--port', '1', '--send', 'x']).message).toMatch(
      /--send does not apply to tcp-server/,
    );
    expect(problem(['tcp-server', '--port', '1', '--port', '2']).message).toMatch(/given twice/);
    expect(problem(['tcp-server', '--port']).message).toMatch(/--port needs a value/);
    expect(problem(['tcp-server', '--port', '1', '--json=yes']).message).toMatch(/takes no value/);
  });

  it('refuses an unknown encoding, line ending and checksum through the contract', () => {
    expect(problem(['tcp-server', '--port', '1', '--encoding', 'klingon']).message).toMatch(
      /--encoding: The encoding must be one of: utf-8, gbk/,
    );
    expect(problem(['tcp-server', '--port', '1', '--line-ending', 'lfcr']).message).toMatch(
      /--line-ending: The line ending must be one of/,
    );
    expect(problem(['tcp-server', '--port', '1', '--checksum', 'md5']).message).toMatch(
      /--checksum: The checksum must be one of/,
    );
  });

  it('refuses bad --count and --timeout', () => {
    expect(problem(['tcp-server', '--port', '1', '--count', '0']).message).toMatch(/--count needs/);
    expect(problem(['tcp-server', '--port', '1', '--count', '1.5']).message).toMatch(/--count needs/);
    expect(problem(['tcp-server', '--port', '1', '--timeout', '-1']).message).toMatch(/--timeout needs/);
  });

  it('sends a value that looks like an option when it follows one that takes a value', () => {
    expect(run(['tcp-client', 'h:1', '--send', '--not-an-option']).sends[0].data).toBe('--not-an-option');
  });
});

describe('splitEndpoint', () => {
  it('splits the usual forms', () => {
    expect(splitEndpoint('127.0.0.1:80', 'x', false)).toEqual({ ok: true, value: { host: '127.0.0.1', port: 80 } });
    expect(splitEndpoint('[fe80::1%eth0]:80', 'x', false)).toEqual({
      ok: true,
      value: { host: 'fe80::1%eth0', port: 80 },
    });
    expect(splitEndpoint('80', 'x', true)).toEqual({ ok: true, value: { host: undefined, port: 80 } });
    expect(splitEndpoint('[::1]', 'x', false).ok).toBe(false);
  });
});

describe('help', () => {
  it('documents every option of every mode', () => {
    const all = helpText();
    for (const option of [
      'port',
      'host',
      'encoding',
      'reply',
      'reply-hex',
      'echo',
      'max-clients',
      'idle-timeout',
      'send',
      'send-hex',
      'wait',
      'save',
      'capture-file',
      'capture-format',
      'capture-append',
      'bind',
      'to',
      'broadcast',
      'json',
      'count',
      'timeout',
      'escapes',
      'line-ending',
      'checksum',
      'help',
      'version',
      'hex',
    ]) {
      expect(all).toContain(`--${option}`);
    }
    expect(helpText('udp')).toContain('--bind');
    expect(helpText('udp')).not.toContain('--max-clients');
  });
});

describe('formatEvent', () => {
  const time = isoMicros(1_700_000_000_123_456);

  it('keeps microseconds in ISO time', () => {
    expect(time).toBe('2023-11-14T22:13:20.123456Z');
  });

  it('prints NDJSON as one object per line', () => {
    const line = formatEvent(
      { event: 'data', time, dir: 'rx', peer: '127.0.0.1:5555', bytes: 2, hex: '0d0a', text: '\r\n' },
      { json: true },
    );
    expect(JSON.parse(line)).toEqual({
      event: 'data',
      time,
      dir: 'rx',
      peer: '127.0.0.1:5555',
      bytes: 2,
      hex: '0d0a',
      text: '\r\n',
    });
    expect(line).not.toContain('\n');
  });

  it('prints readable lines with a timestamp and visible control characters', () => {
    const line = formatEvent(
      { event: 'data', time, dir: 'rx', peer: '127.0.0.1:5555', bytes: 7, hex: '68656c6c6f0d0a', text: 'hello\r\n' },
      { json: false },
    );
    expect(line).toMatch(/^\[\d\d:\d\d:\d\d\.123456\] RX 127\.0\.0\.1:5555 \(7 B\) hello\\r\\n$/);
    const hex = formatEvent(
      { event: 'sent', time, dir: 'tx', peer: '[::1]:1', bytes: 2, hex: '0d0a', text: '\r\n' },
      { json: false, hex: true },
    );
    expect(hex).toMatch(/\] TX \[::1\]:1 \(2 B\) 0d 0a$/);
    expect(visibleText('a\u0000b\tc')).toBe('a\\x00b\\tc');
  });

  it('prints errors with their hint', () => {
    const line = formatEvent(
      {
        event: 'error',
        time,
        code: 'ECONNREFUSED',
        message: 'Nothing is listening on 127.0.0.1:1.',
        hint: 'Start the server first.',
      },
      { json: false },
    );
    expect(line).toContain('Error: Nothing is listening on 127.0.0.1:1.');
    expect(line).toContain('Hint: Start the server first.');
  });
});
