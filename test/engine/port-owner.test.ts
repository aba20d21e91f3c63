import { describe, expect, it } from 'vitest';
import { commandFromCmdline, parseLsof, parseNetstat, parseProcNet, parseTasklist } from '../../engine/port-owner';

// Each platform's answer to "who holds this port", parsed from captured output.

describe('port owner parsers', () => {
  it('parseProcNet: listening TCP sockets and bound UDP ones, skipping inode 0', () => {
    const tcp = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:1ED2 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 12345 1 0000000000000000 100 0 0 10 0',
      '   1: 0100007F:1ED2 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 22222 1 0000000000000000 20 4 30 10 -1',
      '   2: 0100007F:1ED2 0100007F:D432 06 00000000:00000000 03:00000000 00000000     0        0 0 3 0000000000000000',
      '   3: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 999 1 0000000000000000 100 0 0 10 0',
    ].join('\n');
    expect(parseProcNet(tcp, 7890, 'tcp')).toEqual(['12345']);
    expect(parseProcNet(tcp, 80, 'tcp')).toEqual(['999']);
    expect(parseProcNet(tcp, 81, 'tcp')).toEqual([]);
    const udp6 = [
      '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops',
      '  100: 00000000000000000000000001000000:14E9 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4242 2 0000000000000000 0',
    ].join('\n');
    expect(parseProcNet(udp6, 5353, 'udp')).toEqual(['4242']);
    expect(parseProcNet('', 5353, 'udp')).toEqual([]);
  });

  it('commandFromCmdline', () => {
    expect(commandFromCmdline('/usr/bin/python3\0server.py\0', 'python3')).toBe('python3 server.py');
    expect(commandFromCmdline('', 'kworker')).toBe('kworker');
    const long = commandFromCmdline(`node\0${'x'.repeat(200)}\0`, 'node');
    expect(long.length).toBe(80);
    expect(long.endsWith('\u2026')).toBe(true);
  });

  it('parseLsof', () => {
    expect(parseLsof('p1234\ncpython3\nf5\n')).toEqual({ pid: 1234, command: 'python3' });
    expect(parseLsof('p77\n')).toEqual({ pid: 77, command: 'pid 77' });
    expect(parseLsof('')).toBeUndefined();
  });

  it('parseNetstat and parseTasklist (Windows output)', () => {
    const out = [
      '',
      'Active Connections',
      '',
      '  Proto  Local Address          Foreign Address        State           PID',
      '  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING       1004',
      '  TCP    127.0.0.1:7890         127.0.0.1:51000        ESTABLISHED     4444',
      '  TCP    127.0.0.1:7890         0.0.0.0:0              LISTENING       5555',
      '  TCP    [::]:8080              [::]:0                 ABHÖREN         6666',
      '  UDP    0.0.0.0:5353           *:*                                    7777',
      '  UDP    [::1]:9999             *:*                                    8888',
    ].join('\r\n');
    expect(parseNetstat(out, 7890, 'tcp')).toBe(5555);
    expect(parseNetstat(out, 8080, 'tcp')).toBe(6666);
    expect(parseNetstat(out, 5353, 'udp')).toBe(7777);
    expect(parseNetstat(out, 9999, 'udp')).toBe(8888);
    expect(parseNetstat(out, 5353, 'tcp')).toBeUndefined();
    expect(parseTasklist('"python.exe","5555","Console","1","10,000 K"\r\n')).toBe('python.exe');
    expect(parseTasklist('INFO: No tasks are running which match the specified criteria.')).toBeUndefined();
  });
});
