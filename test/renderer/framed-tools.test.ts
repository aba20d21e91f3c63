import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { checksumBytes } from '../../shared/codec/checksum';
import { FramingSpec, type FramingSpecInput } from '../../shared/contract/framing';
import { followReceivedMessages } from '../../renderer/src/charts/rx-messages';
import { FRAMED_ROW, FramedLog } from '../../renderer/src/framing/framed-log';
import { copyText } from '../../renderer/src/log/copy-formats';
import { messageBytes, pendingMessages, savedMessage } from '../../renderer/src/log/framed-rows';
import { FramedScan, LogScan } from '../../renderer/src/log/log-scan';
import { csvHeader, csvLine, jsonLine, textLine } from '../../renderer/src/log/save-formats';
import { assertionFree, compileSearch, EMPTY_QUERY, type SearchQuery } from '../../renderer/src/log/search';
import { logStore, ROW_RX, ROW_TX, SessionLog, StorageBudget } from '../../renderer/src/state/log';
import { en } from '../../renderer/src/words';

// The log tools on a framed view: a reading the network cut in two is one message to the search, the
// clipboard and the saved file, and one point in a chart. Python's own csv module reads the file back.

vi.hoisted(() => {
  const page = globalThis as unknown as { requestAnimationFrame?: (callback: (now: number) => void) => unknown };
  page.requestAnimationFrame ??= (callback) => setTimeout(() => callback(performance.now()), 0);
});

const spec = (input: FramingSpecInput): FramingSpec => FramingSpec.parse(input);
const LINE = spec({ mode: 'line' });
const encoder = new TextEncoder();
const say = (key: keyof typeof en, values?: Record<string, string | number>) =>
  String(en[key]).replace(/\{(\w+)\}/g, (whole, name: string) =>
    values && name in values ? String(values[name]) : whole,
  );

class Feed {
  readonly log = new SessionLog(new StorageBudget(64 * 1024 * 1024), 0, {
    rowsPerSession: 1 << 20,
    bytesPerSession: 16 * 1024 * 1024,
    totalBytes: 64 * 1024 * 1024,
  });
  private seq = 0;
  rx(data: string | Uint8Array, connection = 'c1', peer = '127.0.0.1:5000'): this {
    return this.add(ROW_RX, data, connection, peer);
  }
  tx(data: string, connection = 'c1'): this {
    return this.add(ROW_TX, data, connection, '127.0.0.1:5000');
  }
  private add(kind: typeof ROW_RX | typeof ROW_TX, data: string | Uint8Array, connection: string, peer: string): this {
    const bytes = typeof data === 'string' ? encoder.encode(data) : data;
    this.seq++;
    this.log.appendRecord(this.seq, this.seq * 1000, kind, connection, peer, bytes, 0, bytes.length, bytes.length);
    return this;
  }
}

function framedOf(feed: Feed, framing: FramingSpec = LINE): FramedLog {
  const framed = new FramedLog(framing);
  framed.sync(feed.log, feed.log.end, 0);
  return framed;
}

function scanOf(feed: Feed, framed: FramedLog, query: Partial<SearchQuery>): FramedScan {
  const compiled = compileSearch({ ...EMPTY_QUERY, ...query }, 'utf-8');
  if (!compiled.ok) throw new Error(compiled.error);
  return new FramedScan(feed.log, framed, compiled.matcher);
}

const matches = (scan: { matchCount: number; at(i: number): number }) =>
  Array.from({ length: scan.matchCount }, (_, i) => scan.at(i));
/** What a person reads in each row: a message's bytes from all its reads, or a send's own. */
const texts = (feed: Feed, framed: FramedLog, positions: number[]) =>
  positions.map((p) =>
    new TextDecoder().decode(
      framed.kind(p) === FRAMED_ROW ? feed.log.bytes(framed.serial(p)) : framed.bytes(feed.log, p),
    ),
  );

/** A clock that moves 1 ms per look: every slice ends after its first look. */
const ticking = () => {
  let now = 0;
  return () => now++;
};

describe('searching a framed view', () => {
  it('finds text, hex and a regex across the reads of one message, which no read holds alone', () => {
    const feed = new Feed().rx('T=2').rx('1.5\nT=22.0\n').tx('T=21.5?');
    const framed = framedOf(feed);
    const text = scanOf(feed, framed, { text: 't=21.5' });
    expect(text.step(50)).toBe(true);
    // The message and the send: the send is a row of its own in a framed view too.
    expect(texts(feed, framed, matches(text))).toEqual(['T=21.5', 'T=21.5?']);

    const received = scanOf(feed, framed, { text: '3D 32 31 2E', mode: 'hex', direction: 'rx' });
    received.step(50);
    expect(texts(feed, framed, matches(received))).toEqual(['T=21.5']);

    const regex = scanOf(feed, framed, { text: '^T=2\\d\\.\\d$', mode: 'regex' });
    regex.step(50);
    expect(texts(feed, framed, matches(regex))).toEqual(['T=21.5', 'T=22.0']);

    // Per read, the same search finds only the send: the reading is cut in two.
    const compiled = compileSearch({ ...EMPTY_QUERY, text: 't=21.5', direction: 'rx' }, 'utf-8');
    if (!compiled.ok) throw new Error(compiled.error);
    const perRead = new LogScan(feed.log, compiled.matcher);
    perRead.step(50);
    expect(perRead.matchCount).toBe(0);
  });

  it('goes through a long history a slice at a time, and tests a message when its end arrives', () => {
    const feed = new Feed();
    for (let i = 0; i < 3000; i++) feed.rx(i % 1000 === 7 ? `ALA` : `ok ${i}\n`).rx(i % 1000 === 7 ? `RM ${i}\n` : '');
    const framed = framedOf(feed);
    const scan = scanOf(feed, framed, { text: 'alarm', mode: 'text' });
    let slices = 1;
    while (!scan.step(0.5, ticking())) slices++;
    expect(slices).toBeGreaterThan(1);
    expect(texts(feed, framed, matches(scan))).toEqual(['ALARM 7', 'ALARM 1007', 'ALARM 2007']);

    // A message under way is not a match yet; once its end comes, it is, with no new scan.
    feed.rx('late ALA');
    expect(scan.step(50)).toBe(true);
    expect(scan.matchCount).toBe(3);
    feed.rx('RM\n');
    expect(scan.step(50)).toBe(true);
    expect(texts(feed, framed, matches(scan)).at(-1)).toBe('late ALARM');
  });

  it("filters by peer over each connection's own messages", () => {
    const feed = new Feed()
      .rx('a=1', 'c1', '127.0.0.1:5001')
      .rx('b=2\n', 'c2', '127.0.0.1:5002')
      .rx('1\n', 'c1', '127.0.0.1:5001');
    const framed = framedOf(feed);
    const scan = scanOf(feed, framed, { peer: ':5001' });
    scan.step(50);
    expect(texts(feed, framed, matches(scan))).toEqual(['a=11']);
  });
});

describe('copying and saving framed messages', () => {
  it('copies a message whole, from both its reads, as hex, a C array and a Python literal', () => {
    const feed = new Feed().rx('T=2').rx('1.5\nT=22.0\n');
    const framed = framedOf(feed);
    const rows = [messageBytes(framed, feed.log, framed.first)];
    expect(rows.map((row) => row.partial)).toEqual([false]);
    const copied = rows.map((row) => ({ bytes: row.bytes, text: '' }));
    expect(copyText('hex', copied)).toBe('54 3D 32 31 2E 35');
    expect(copyText('c', copied)).toBe('{0x54, 0x3D, 0x32, 0x31, 0x2E, 0x35}');
    expect(copyText('python', copied)).toBe("b'T=21.5'");
  });

  it('saves one line per message, with the time of its first byte, and flags bad and pending ones with why', () => {
    const good = new Uint8Array([0x01, 0x03, 0x02, 0x00, 0x0a]);
    const crc = (bytes: Uint8Array) => {
      const sum = checksumBytes('crc16-modbus', bytes);
      return new Uint8Array([...bytes, ...sum]);
    };
    const frame = crc(good);
    const broken = frame.slice();
    broken[6] ^= 0xff;
    const feed = new Feed()
      .rx(frame.subarray(0, 3))
      .rx(new Uint8Array([...frame.subarray(3), ...broken]))
      .rx(new Uint8Array([0x01, 0x03, 0x02]));
    const framed = framedOf(feed, spec({ mode: 'modbus-rtu' }));
    const saved = [];
    for (let p = framed.first; p < framed.end; p++) saved.push(savedMessage(framed, feed.log, p, 'utf-8', say));
    saved.push(...pendingMessages(framed, feed.log, 'utf-8', say));
    expect(saved.map((row) => [row.length, row.wallUs, row.frame])).toEqual([
      [7, 1000, undefined],
      [7, 2000, 'bad'],
      [3, 3000, 'pending'],
    ]);

    const file = csvHeader('absolute', true) + saved.map((row) => csvLine(row, 'absolute', true)).join('');
    const parsed = JSON.parse(
      execFileSync(
        'python3',
        [
          '-c',
          'import csv,io,json,sys; print(json.dumps(list(csv.reader(io.StringIO(sys.stdin.read(), newline="")))))',
        ],
        { input: file, encoding: 'utf8', timeout: 10_000 },
      ),
    ) as string[][];
    expect(parsed[0].slice(-3)).toEqual(['partial', 'frame', 'frame_reason']);
    expect(parsed.slice(1).map((row) => [row[4], row[5], row[8]])).toEqual([
      ['7', '01 03 02 00 0A 38 43', ''],
      [
        '7',
        `01 03 02 00 0A ${[...broken.subarray(5)].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ')}`,
        'bad',
      ],
      ['3', '01 03 02', 'pending'],
    ]);
    expect(parsed[2][9]).toMatch(/CRC at its end does not match/);
    expect(parsed[3][9]).toBe('Incomplete message: its end has not arrived yet (3 bytes so far)');

    const json = JSON.parse(jsonLine(saved[2], 'absolute')) as Record<string, unknown>;
    expect(json).toMatchObject({ direction: 'rx', length: 3, hex: '01 03 02', frame: 'pending' });
    expect(textLine(saved[1], 'absolute', '')).toMatch(/ \[bad: Bad frame: the CRC at its end does not match/);
    // Per read, the header and lines are as they were: no framing columns.
    expect(csvHeader('absolute')).toBe('time,direction,peer,connection,length,hex,text,partial\r\n');
  });
});

describe('value charts over framed messages', () => {
  it('take each ended message once with the time of its first byte; a new framing keeps the points taken', async () => {
    const sessionId = 'framed-chart';
    let framing: FramingSpec = LINE;
    const points: Array<[string, number]> = [];
    const stop = followReceivedMessages(sessionId, (_bytes, text, timeUs) => points.push([text(), timeUs]), 1000, {
      exists: () => true,
      encoding: () => 'utf-8',
      framing: () => framing,
    });
    const log = logStore.log(sessionId);
    let seq = 0;
    const receive = (text: string) => {
      const bytes = encoder.encode(text);
      seq++;
      log.appendRecord(seq, seq * 1_000_000, ROW_RX, 'c1', '127.0.0.1:1', bytes, 0, bytes.length, bytes.length);
      logStore.note(sessionId, 'info', { text: 'more' });
    };
    receive('T=2');
    receive('1.5\nT=22.0\nT=2');
    await vi.waitFor(() =>
      expect(points).toEqual([
        ['T=21.5', 1_000_000],
        ['T=22.0', 2_000_000],
      ]),
    );
    // Per read from here: the reads already taken are not taken again; new reads are each one message.
    framing = { mode: 'per-read' };
    receive('3.0\n');
    await vi.waitFor(() => expect(points.map(([text]) => text)).toEqual(['T=21.5', 'T=22.0', '3.0\n']));
    stop();
    logStore.drop(sessionId);
  });
});

describe('a regex search over whole blocks of rows', () => {
  it('tells patterns with assertions from those without', () => {
    expect(assertionFree('ALARM \\w+ \\d+\\.\\d')).toBe(true);
    expect(assertionFree('[^,]+=\\$?\\d')).toBe(true);
    expect(assertionFree('a\\\\b')).toBe(true);
    for (const asserting of ['^T=', 'end$', '\\bT', 'a\\B', 'x(?=y)', 'x(?!y)', '(?<=a)b', '(?<!a)b', '[$]'])
      expect(assertionFree(asserting)).toBe(false);
  });

  it('finds exactly the rows that testing each row alone finds', () => {
    const patterns = ['a+b', 'ab|ba', 'b.a', 'a\\d*c', '[^a]c', 'c?', '^ab', 'b$', '\\bba', 'A(?=B)'];
    const row = fc.oneof(fc.stringMatching(/^[abc0-9 ]{0,6}$/), fc.constant('é a b'), fc.constant('AB\r\n'));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(row, fc.boolean()), { maxLength: 40 }),
        fc.constantFrom(...patterns),
        fc.boolean(),
        (rows, text, matchCase) => {
          const feed = new Feed();
          for (const [data, sent] of rows) {
            if (sent) feed.tx(data);
            else feed.rx(data);
          }
          const compiled = compileSearch({ ...EMPTY_QUERY, text, mode: 'regex', matchCase }, 'utf-8');
          if (!compiled.ok) throw new Error(compiled.error);
          const scan = new LogScan(feed.log, compiled.matcher);
          scan.step(1000);
          const alone: number[] = [];
          for (let serial = feed.log.first; serial < feed.log.end; serial++) {
            const kind = feed.log.kind(serial) === ROW_RX ? 'rx' : 'tx';
            const facts = {
              kind,
              bytes: feed.log.bytes(serial),
              peer: undefined,
              connection: null,
              asciiText: undefined,
            } as const;
            if (compiled.matcher.matches(facts)) alone.push(serial);
          }
          expect(matches(scan)).toEqual(alone);
        },
      ),
      { numRuns: 300 },
    );
  });
});
