import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { bytesAsCArray, bytesAsHex, bytesAsPython, copyText } from '../../renderer/src/log/copy-formats';
import { LogScan } from '../../renderer/src/log/log-scan';
import { compileSearch, EMPTY_QUERY, type RowFacts, type SearchQuery } from '../../renderer/src/log/search';
import { ROW_RX, ROW_TX, SessionLog, StorageBudget } from '../../renderer/src/state/log';
import {
  csvField,
  csvHeader,
  csvLine,
  jsonLine,
  oneLine,
  textLine,
  type SavedRow,
} from '../../renderer/src/log/save-formats';
import { formatElapsed, isoTime, timeText } from '../../renderer/src/log/time-text';

// The log tools' pure parts: what a search finds, what lands on the clipboard, what a saved file holds and
// how times read. Python's own parsers (csv, json, the bytes literal) check the formats: a file Sockpit
// writes must read back in a program nobody here wrote.

const bytes = (text: string) => new TextEncoder().encode(text);
const row = (
  kind: RowFacts['kind'],
  data: Uint8Array | string,
  peer = '127.0.0.1:5001',
  connection: string | null = 'c1',
): RowFacts => ({
  kind,
  bytes: typeof data === 'string' ? bytes(data) : data,
  peer,
  connection,
  asciiText: undefined,
});

function matcher(query: Partial<SearchQuery>, encoding: Parameters<typeof compileSearch>[1] = 'utf-8') {
  const compiled = compileSearch({ ...EMPTY_QUERY, ...query }, encoding);
  if (!compiled.ok) throw new Error(compiled.error);
  return compiled.matcher;
}

function python(code: string, input: string): string {
  return execFileSync('python3', ['-c', code], { input, encoding: 'utf8', timeout: 10_000 });
}

describe('search matching', () => {
  it('finds text in the bytes, without case unless asked', () => {
    const m = matcher({ text: 'hello' });
    expect(m.matches(row('rx', 'say Hello there'))).toBe(true);
    expect(m.matches(row('rx', 'say Help'))).toBe(false);
    const exact = matcher({ text: 'hello', matchCase: true });
    expect(exact.matches(row('rx', 'say Hello there'))).toBe(false);
    expect(exact.matches(row('tx', 'hello'))).toBe(true);
  });

  it('finds non-ASCII text in the receive encoding, case folded by the text', () => {
    const gbk = new Uint8Array([0xc4, 0xe3, 0xba, 0xc3]); // 你好 in GBK
    expect(matcher({ text: '好' }, 'gbk').matches(row('rx', gbk))).toBe(true);
    expect(matcher({ text: '好' }, 'utf-8').matches(row('rx', gbk))).toBe(false);
    expect(matcher({ text: 'ÄPFEL' }).matches(row('rx', 'äpfel'))).toBe(true);
  });

  it('finds hex bytes however they are typed', () => {
    for (const text of ['0D 0A', '0d0a', '0x0D,0x0A']) {
      const m = matcher({ text, mode: 'hex' });
      expect(m.matches(row('rx', 'line\r\n'))).toBe(true);
      expect(m.matches(row('rx', 'line\n'))).toBe(false);
    }
  });

  it('matches a regex over the decoded text, with or without case', () => {
    const m = matcher({ text: 'temp=(\\d+)', mode: 'regex' });
    expect(m.matches(row('rx', 'TEMP=21'))).toBe(true);
    expect(m.matches(row('rx', 'temp=x'))).toBe(false);
    expect(matcher({ text: 'temp=\\d', mode: 'regex', matchCase: true }).matches(row('rx', 'TEMP=21'))).toBe(false);
  });

  it('says in words what is wrong with a bad pattern or bad hex', () => {
    const regex = compileSearch({ ...EMPTY_QUERY, text: 'a(b', mode: 'regex' }, 'utf-8');
    expect(regex.ok).toBe(false);
    expect(!regex.ok && regex.error).toMatch(/not a regular expression/);
    const hex = compileSearch({ ...EMPTY_QUERY, text: '0G', mode: 'hex' }, 'utf-8');
    expect(hex.ok).toBe(false);
    expect(!hex.ok && hex.error).toMatch(/G/);
  });

  it('filters by direction and by peer or connection; events follow the peer filter only', () => {
    const tx = matcher({ direction: 'tx' });
    expect(tx.matches(row('tx', 'a'))).toBe(true);
    expect(tx.matches(row('rx', 'a'))).toBe(false);
    expect(tx.matches(row('note', ''))).toBe(false);
    const peer = matcher({ peer: ':5002' });
    expect(peer.matches(row('rx', 'a', '127.0.0.1:5002'))).toBe(true);
    expect(peer.matches(row('rx', 'a', '127.0.0.1:5001'))).toBe(false);
    expect(peer.matches(row('note', '', '127.0.0.1:5002'))).toBe(true);
    expect(matcher({ peer: 'c7' }).matches(row('rx', 'a', '10.0.0.1:1', 'c7'))).toBe(true);
    expect(matcher({}).everything).toBe(true);
    expect(matcher({ text: 'a', direction: 'rx' }).matches(row('tx', 'a'))).toBe(false);
  });

  it('highlights every occurrence in the text shown, and the hex in a hex view', () => {
    const m = matcher({ text: 'ab' });
    expect(m.highlight('xABxab', 'text')).toEqual([
      [1, 3],
      [4, 6],
    ]);
    expect(m.highlight('61 62 63 61 62', 'hex')).toEqual([
      [0, 5],
      [9, 14],
    ]);
    expect(matcher({ text: '0D 0A', mode: 'hex' }).highlight('6F 0D 0A', 'hex')).toEqual([[3, 8]]);
    expect(matcher({ text: '\\d+', mode: 'regex' }).highlight('a12b3', 'text')).toEqual([
      [1, 3],
      [4, 5],
    ]);
  });
});

describe('copy formats', () => {
  const sample = new Uint8Array([0x48, 0x69, 0x27, 0x5c, 0x0d, 0x0a, 0x00, 0xff, 0x22]);

  it('writes hex, a C array and a Python bytes literal', () => {
    expect(bytesAsHex(bytes('Hello'))).toBe('48 65 6C 6C 6F');
    expect(bytesAsCArray(new Uint8Array([1, 2, 0xab]))).toBe('{0x01, 0x02, 0xAB}');
    expect(bytesAsPython(new Uint8Array([1, 2]))).toBe("b'\\x01\\x02'");
    expect(bytesAsPython(sample)).toBe("b'Hi\\'\\\\\\r\\n\\x00\\xff\"'");
  });

  it('a Python literal evaluates in Python to exactly the bytes', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const literal = bytesAsPython(all);
    const hex = python('import ast,sys; print(ast.literal_eval(sys.stdin.read()).hex())', literal).trim();
    expect(hex).toBe(Buffer.from(all).toString('hex'));
  });

  it('puts rows one per line as text and hex, and one after another in a C array or Python literal', () => {
    const rows = [
      { bytes: bytes('ab'), text: 'ab' },
      { bytes: bytes('c'), text: 'c' },
    ];
    expect(copyText('text', rows)).toBe('ab\nc');
    expect(copyText('hex', rows)).toBe('61 62\n63');
    expect(copyText('c', rows)).toBe('{0x61, 0x62, 0x63}');
    expect(copyText('python', rows)).toBe("b'abc'");
  });
});

describe('save formats', () => {
  const base: SavedRow = {
    wallUs: Date.UTC(2026, 10, 30, 5, 13, 34, 123) * 1000 + 456,
    elapsedUs: 1_234_567,
    direction: 'rx',
    peer: '127.0.0.1:5001',
    connection: 'c1',
    length: 5,
    bytes: bytes('Hello'),
    text: 'Hello',
    partial: false,
  };

  it('quotes CSV fields with commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
  });

  it("writes CSV that Python's csv module reads back field for field", () => {
    const tricky = { ...base, text: 'a,"b"\r\nc', bytes: bytes('a,"b"\r\nc'), length: 9 };
    const file = csvHeader('relative') + csvLine(base, 'relative') + csvLine(tricky, 'relative');
    const parsed = JSON.parse(
      python(
        'import csv,io,json,sys; print(json.dumps(list(csv.reader(io.StringIO(sys.stdin.read(), newline="")))))',
        file,
      ),
    ) as string[][];
    expect(parsed[0]).toEqual([
      'time',
      'relative_s',
      'direction',
      'peer',
      'connection',
      'length',
      'hex',
      'text',
      'partial',
    ]);
    expect(parsed[1]).toEqual([
      '2026-11-30T05:13:34.123456Z',
      '1.234567',
      'rx',
      '127.0.0.1:5001',
      'c1',
      '5',
      '48 65 6C 6C 6F',
      'Hello',
      '',
    ]);
    expect(parsed[2][7]).toBe('a,"b"\r\nc');
    expect(parsed[2][6]).toBe('61 2C 22 62 22 0D 0A 63');
    expect(csvHeader('absolute')).toBe('time,direction,peer,connection,length,hex,text,partial\r\n');
  });

  it('writes one JSON object per line, with the delta when the view shows deltas', () => {
    const line = jsonLine({ ...base, text: 'line\nbreak' }, 'delta');
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    const back = JSON.parse(
      python('import json,sys; print(json.dumps(json.loads(sys.stdin.readline())))', line),
    ) as Record<string, unknown>;
    expect(back).toEqual({
      time: '2026-11-30T05:13:34.123456Z',
      delta_s: 1.234567,
      direction: 'rx',
      peer: '127.0.0.1:5001',
      connection: 'c1',
      length: 5,
      hex: '48 65 6C 6C 6F',
      text: 'line\nbreak',
    });
    const event = JSON.parse(
      jsonLine({ ...base, direction: 'event', length: 0, bytes: new Uint8Array(), text: 'connected' }, 'absolute'),
    );
    expect(event).toEqual({
      time: '2026-11-30T05:13:34.123456Z',
      direction: 'event',
      peer: '127.0.0.1:5001',
      connection: 'c1',
      text: 'connected',
    });
  });

  it('writes one text line per row, with controls escaped', () => {
    expect(oneLine('a\r\nb\tc\u0001\\')).toBe('a\\r\\nb\\tc\\x01\\\\');
    expect(textLine({ ...base, text: 'Hello\n' }, 'relative', '+1.234567 s')).toBe(
      '2026-11-30T05:13:34.123456Z  +1.234567 s  RX  127.0.0.1:5001  5 B  48 65 6C 6C 6F  Hello\\n\n',
    );
  });
});

describe('time text', () => {
  it('shows elapsed time with microseconds, in minutes and hours when long', () => {
    expect(formatElapsed(0)).toBe('+0.000000 s');
    expect(formatElapsed(1_234_567)).toBe('+1.234567 s');
    expect(formatElapsed(61_000_001)).toBe('+1:01.000001');
    expect(formatElapsed(3_723_000_000)).toBe('+1:02:03.000000');
    expect(formatElapsed(-1500)).toBe('-0.001500 s');
  });

  it('gives relative time from the first row and delta from the row before', () => {
    expect(timeText('relative', 5_000_000, 2_000_000, 4_000_000)).toBe('+3.000000 s');
    expect(timeText('delta', 5_000_000, 2_000_000, 4_990_000)).toBe('+0.010000 s');
    expect(timeText('delta', 5_000_000, 5_000_000, undefined)).toBe('+0.000000 s');
    expect(timeText('absolute', 5_000_000, 0, undefined)).toMatch(/^\d\d:\d\d:05\.000$/);
  });

  it('writes ISO time in UTC with microseconds', () => {
    expect(isoTime(Date.UTC(2026, 0, 2, 3, 4, 5, 6) * 1000 + 7)).toBe('2026-01-02T03:04:05.006007Z');
  });
});

describe('searching a log in slices', () => {
  const MIB = 1024 * 1024;
  function logOf(
    lines: Array<[string | Uint8Array, 'rx' | 'tx']>,
    limits = { rowsPerSession: 1 << 16, bytesPerSession: 4 * MIB, totalBytes: 64 * MIB },
  ) {
    const log = new SessionLog(new StorageBudget(limits.totalBytes), 0, limits);
    let seq = 0;
    const add = (data: string | Uint8Array, dir: 'rx' | 'tx', fullLength?: number) => {
      const b = typeof data === 'string' ? bytes(data) : data;
      seq++;
      log.appendRecord(
        seq,
        seq * 1000,
        dir === 'rx' ? ROW_RX : ROW_TX,
        'c1',
        '127.0.0.1:5001',
        b,
        0,
        b.length,
        fullLength ?? b.length,
      );
    };
    for (const [data, dir] of lines) add(data, dir);
    return { log, add };
  }
  function scanOf(
    log: SessionLog,
    query: Partial<SearchQuery>,
    encoding: Parameters<typeof compileSearch>[1] = 'utf-8',
  ) {
    const compiled = compileSearch({ ...EMPTY_QUERY, ...query }, encoding);
    if (!compiled.ok) throw new Error(compiled.error);
    return new LogScan(log, compiled.matcher);
  }
  /** A clock that moves 1 ms per look: every slice ends after its first look. */
  const ticking = () => {
    let now = 0;
    return () => now++;
  };
  const matches = (scan: LogScan) => Array.from({ length: scan.matchCount }, (_, i) => scan.at(i));

  it('finds every match over many slices, and the rows that arrive later', () => {
    const lines: Array<[string, 'rx' | 'tx']> = [];
    for (let i = 0; i < 3000; i++) lines.push([i % 1000 === 7 ? `ALARM ${i}\n` : `ok ${i}\n`, i % 2 ? 'tx' : 'rx']);
    const { log, add } = logOf(lines);
    const scan = scanOf(log, { text: 'alarm \\d+', mode: 'regex' });
    let slices = 1;
    while (!scan.step(0.5, ticking())) slices++;
    expect(slices).toBeGreaterThan(1);
    expect(matches(scan)).toEqual([7, 1007, 2007]);
    // New rows land in the payload block already decoded for the scan: they must be read as they are now.
    add('late ALARM 9\n', 'rx');
    add('ALARM-free\n', 'rx');
    expect(scan.step(50)).toBe(true);
    expect(matches(scan)).toEqual([7, 1007, 2007, 3000]);
    expect(scan.indexAtOrAfter(1008)).toBe(2);
  });

  it('reads non-ASCII rows with the receive encoding', () => {
    const gbk = new Uint8Array([0xc4, 0xe3, 0xba, 0xc3, 0x21]); // 你好! in GBK
    const { log } = logOf([
      ['plain', 'rx'],
      [gbk, 'rx'],
    ]);
    const scan = scanOf(log, { text: '好!', mode: 'regex' }, 'gbk');
    scan.step(50);
    expect(matches(scan)).toEqual([1]);
  });

  it('drops matches the log evicted, and counts rows only partly held', () => {
    const { log, add } = logOf([], { rowsPerSession: 1 << 16, bytesPerSession: 2 * MIB, totalBytes: 64 * MIB });
    add('needle first', 'rx');
    add('a long record whose start has the needle', 'rx', 200_000);
    const scan = scanOf(log, { text: 'needle' });
    scan.step(50);
    expect(scan.matchCount).toBe(2);
    expect(scan.partialRows).toBe(1);
    // Fill past the 2 MiB payload limit: the first rows are evicted, and so are their matches.
    const filler = 'x'.repeat(60_000);
    for (let i = 0; i < 60; i++) add(filler, 'tx');
    add('needle last', 'rx');
    scan.step(50);
    expect(log.first).toBeGreaterThan(1);
    expect(matches(scan)).toEqual([log.end - 1]);
  });
});
