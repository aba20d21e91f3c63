import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checksumBytes } from '../../shared/codec/checksum';
import { parseFramingDraft, DEFAULT_FRAMING_DRAFT } from '../../renderer/src/framing/choice';
import { appliedFraming } from '../../renderer/src/framing/view-framing';
import type { SessionInfo } from '../../shared/contract';
import { FramingSpec, type FramingSpecInput } from '../../shared/contract/framing';
import { Framer } from '../../shared/framing';
import { FRAMED_MESSAGE, FRAMED_PENDING, FRAMED_ROW, FramedLog } from '../../renderer/src/framing/framed-log';
import { ROW_RX, ROW_SKIPPED, ROW_TX, SessionLog, StorageBudget, type LogLimits } from '../../renderer/src/state/log';

// The log seen as messages: what a person reads in a framed view. Reads are cut anywhere by the network;
// the messages on screen must not depend on where, must keep each connection's bytes apart, and must say
// which ones are unfinished or broken instead of hiding them.

const MIB = 1024 * 1024;
const ROOMY: LogLimits = { rowsPerSession: 1 << 20, bytesPerSession: 64 * MIB, totalBytes: 1024 * MIB };
/** A framing as the contract fills it in (defaults such as the largest message size included). */
const spec = (input: FramingSpecInput): FramingSpec => FramingSpec.parse(input);
const LINE = spec({ mode: 'line' });
const encoder = new TextEncoder();
const decoder = new TextDecoder();

class Feed {
  readonly log: SessionLog;
  private seq = 0;
  constructor(limits: LogLimits = ROOMY) {
    this.log = new SessionLog(new StorageBudget(limits.totalBytes), 0, limits);
  }
  rx(data: string | Uint8Array, connection: string | null = 'c1', peer = '127.0.0.1:5000', wallMs?: number): this {
    const bytes = typeof data === 'string' ? encoder.encode(data) : data;
    this.seq++;
    const wallUs = (wallMs ?? this.seq) * 1000;
    this.log.appendRecord(this.seq, wallUs, ROW_RX, connection, peer, bytes, 0, bytes.length, bytes.length);
    return this;
  }
  tx(data: string, connection: string | null = 'c1'): this {
    const bytes = encoder.encode(data);
    this.seq++;
    this.log.appendRecord(
      this.seq,
      this.seq * 1000,
      ROW_TX,
      connection,
      '127.0.0.1:5000',
      bytes,
      0,
      bytes.length,
      bytes.length,
    );
    return this;
  }
}

interface Shown {
  kind: 'row' | 'message' | 'pending';
  text: string;
  bad?: number;
  peer?: string;
}

function shown(framed: FramedLog, log: SessionLog): Shown[] {
  const rows: Shown[] = [];
  for (let p = framed.first; p < framed.endWithPending; p++) {
    const kind = framed.kind(p);
    if (kind === FRAMED_ROW) {
      const serial = framed.serial(p);
      rows.push({ kind: 'row', text: log.kind(serial) === ROW_TX ? `tx:${decoder.decode(log.bytes(serial))}` : 'gap' });
      continue;
    }
    const entry: Shown = {
      kind: kind === FRAMED_PENDING ? 'pending' : 'message',
      text: decoder.decode(framed.bytes(log, p)),
      peer: log.peer(framed.serial(p)),
    };
    if (framed.bad(p) !== 0) entry.bad = framed.bad(p);
    rows.push(entry);
  }
  return rows;
}

function frame(feed: Feed, framing: FramingSpecInput, nowUs = 0): Shown[] {
  const framed = new FramedLog(spec(framing));
  framed.sync(feed.log, feed.log.end, nowUs);
  return shown(framed, feed.log);
}

const texts = (rows: Shown[]) => rows.map((row) => (row.kind === 'pending' ? `…${row.text}` : row.text));

function modbus(hex: string, badCrc = false): Uint8Array {
  const body = Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));
  const crc = checksumBytes('crc16-modbus', body);
  if (badCrc) crc[0] ^= 0xff;
  const out = new Uint8Array(body.length + 2);
  out.set(body);
  out.set(crc, body.length);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

describe('framed view of the log', () => {
  it('cuts lines wherever the reads were cut, strips CR LF, and shows the unfinished last line as pending', () => {
    const feed = new Feed().rx('a\nb\nc\n').rx('d').rx('e\r').rx('\nf');
    expect(frame(feed, LINE)).toEqual([
      { kind: 'message', text: 'a', peer: '127.0.0.1:5000' },
      { kind: 'message', text: 'b', peer: '127.0.0.1:5000' },
      { kind: 'message', text: 'c', peer: '127.0.0.1:5000' },
      { kind: 'message', text: 'de', peer: '127.0.0.1:5000' },
      { kind: 'pending', text: 'f', peer: '127.0.0.1:5000' },
    ]);
  });

  it('gives the same messages however the same bytes are cut into reads', () => {
    const stream = encoder.encode('alpha\r\nbe\nta\n\n7E7E gamma--END--tail--END--x');
    const framings: FramingSpecInput[] = [
      LINE,
      { mode: 'delimiter', delimiter: '2D 2D 45 4E 44 2D 2D', keep: false },
      { mode: 'delimiter', delimiter: '2D 2D 45 4E 44 2D 2D', keep: true },
      { mode: 'fixed', length: 5 },
      { mode: 'length-field', offset: 1, size: 1, endian: 'be', includesHeader: false, adjust: -90 },
    ];
    const whole = framings.map((framing) => texts(frame(new Feed().rx(stream), framing)));
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 12 }), (cuts) => {
        const feed = new Feed();
        let from = 0;
        for (const at of [...cuts].sort((a, b) => a - b)) {
          feed.rx(stream.subarray(from, at));
          from = at;
        }
        feed.rx(stream.subarray(from));
        framings.forEach((framing, k) => expect(texts(frame(feed, framing))).toEqual(whole[k]));
      }),
      { numRuns: 150 },
    );
    expect(whole[0]).toEqual(['alpha', 'be', 'ta', '', '…7E7E gamma--END--tail--END--x']);
    expect(whole[1]).toEqual(['alpha\r\nbe\nta\n\n7E7E gamma', 'tail', '…x']);
    expect(whole[2]).toEqual(['alpha\r\nbe\nta\n\n7E7E gamma--END--', 'tail--END--', '…x']);
  });

  it("cuts text streams exactly as the engine's framer does, however the reads fall", () => {
    const framings: FramingSpecInput[] = [
      { mode: 'line', maxBytes: 16 },
      { mode: 'delimiter', delimiter: '0D 0A', keep: false, maxBytes: 16 },
      { mode: 'delimiter', delimiter: '0D 0A', keep: true, maxBytes: 16 },
      { mode: 'delimiter', delimiter: '78', keep: false, maxBytes: 16 },
    ];
    const alphabet = encoder.encode('ab\r\nx');
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: alphabet.length - 1 }), { minLength: 1, maxLength: 120 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 119 }), { maxLength: 10 }),
        (letters, cuts) => {
          const stream = Uint8Array.from(letters, (k) => alphabet[k]);
          const reads: Uint8Array[] = [];
          let from = 0;
          for (const at of [...cuts].filter((c) => c < stream.length).sort((a, b) => a - b)) {
            reads.push(stream.subarray(from, at));
            from = at;
          }
          reads.push(stream.subarray(from));
          for (const input of framings) {
            const framing = spec(input);
            const engine = new Framer(framing);
            const expected: Array<[string, boolean]> = [];
            for (const read of reads)
              for (const message of engine.push(read, 0, 0))
                expected.push([Array.from(message.bytes).join(','), message.bad !== undefined]);
            const pending = engine.pending();
            if (pending) expected.push([`pending:${Array.from(pending.bytes).join(',')}`, false]);
            const feed = new Feed();
            for (const read of reads) feed.rx(read);
            const framed = new FramedLog(framing);
            framed.sync(feed.log, feed.log.end, 0);
            const actual: Array<[string, boolean]> = [];
            for (let p = framed.first; p < framed.endWithPending; p++) {
              const bytes = Array.from(framed.bytes(feed.log, p)).join(',');
              actual.push([framed.kind(p) === FRAMED_PENDING ? `pending:${bytes}` : bytes, framed.bad(p) !== 0]);
            }
            expect(actual).toEqual(expected);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps each connection apart when their reads interleave, and gives each message the time of its first byte', () => {
    const feed = new Feed()
      .rx('one-', 'c1', '10.0.0.1:1', 100)
      .rx('uno-', 'c2', '10.0.0.2:2', 200)
      .rx('two\n', 'c1', '10.0.0.1:1', 300)
      .rx('dos\n', 'c2', '10.0.0.2:2', 400);
    const framed = new FramedLog(LINE);
    framed.sync(feed.log, feed.log.end, 0);
    const rows = shown(framed, feed.log);
    expect(rows.map((r) => `${r.peer} ${r.text}`)).toEqual(['10.0.0.1:1 one-two', '10.0.0.2:2 uno-dos']);
    expect([framed.first, framed.first + 1].map((p) => feed.log.wallUs(framed.serial(p)) / 1000)).toEqual([100, 200]);
  });

  it('frames UDP per peer only when a framing is chosen', () => {
    const feed = new Feed()
      .rx('x=1\ny=', null, '10.0.0.1:9')
      .rx('z=3\n', null, '10.0.0.2:9')
      .rx('2\n', null, '10.0.0.1:9');
    expect(frame(feed, LINE).map((r) => `${r.peer} ${r.text}`)).toEqual([
      '10.0.0.1:9 x=1',
      '10.0.0.2:9 z=3',
      '10.0.0.1:9 y=2',
    ]);
  });

  it('marks a Modbus RTU frame with a wrong CRC and keeps it, and finds three frames in one read and one in three', () => {
    const first = modbus('010302000A');
    const second = modbus('0103020014', true);
    const third = modbus('01060001000A');
    const fourth = modbus('0103040001000A');
    const feed = new Feed()
      .rx(concat(first, second, third))
      .rx(fourth.subarray(0, 2))
      .rx(fourth.subarray(2, 5))
      .rx(fourth.subarray(5));
    const framed = new FramedLog(spec({ mode: 'modbus-rtu' }));
    framed.sync(feed.log, feed.log.end, 0);
    const lengths: number[] = [];
    const bad: number[] = [];
    for (let p = framed.first; p < framed.endWithPending; p++) {
      expect(framed.kind(p)).toBe(FRAMED_MESSAGE);
      lengths.push(framed.length(p));
      bad.push(framed.bad(p));
    }
    expect(lengths).toEqual([7, 7, 8, 9]);
    expect(bad).toEqual([0, 1, 0, 0]);
    expect(Array.from(framed.bytes(feed.log, framed.first + 3))).toEqual(Array.from(fourth));
  });

  it('marks an impossible length and starts again after it', () => {
    const feed = new Feed().rx(Uint8Array.from([0, 3, 65, 66, 67, 0xff, 0xff, 0, 1, 68]));
    const framed = new FramedLog(spec({ mode: 'length-field', offset: 0, size: 2, maxBytes: 1 << 20 }));
    // With room for 1 MiB messages the second header (0xFFFF) starts a long message still pending.
    framed.sync(feed.log, feed.log.end, 0);
    expect(shown(framed, feed.log).map((r) => [r.kind, r.text.length])).toEqual([
      ['message', 5],
      ['pending', 5],
    ]);
    // A Modbus TCP header whose length (1) leaves no room for a unit and a function code is marked bad.
    const tcp = new Feed().rx(Uint8Array.from([0, 1, 0, 0, 0, 1, 0, 2, 0, 0, 0, 2, 1, 3]));
    const rows = frame(tcp, { mode: 'modbus-tcp' });
    expect(rows.map((r) => [r.kind, r.bad ?? 0, r.text.length])).toEqual([
      ['message', 2, 6],
      ['message', 0, 8],
    ]);
  });

  it('updates the pending message as bytes arrive, without framing the history again', () => {
    const feed = new Feed().rx('ab');
    const framed = new FramedLog(LINE);
    framed.sync(feed.log, feed.log.end, 0);
    expect(texts(shown(framed, feed.log))).toEqual(['…ab']);
    const version = framed.version;
    feed.rx('cd');
    framed.sync(feed.log, feed.log.end, 0);
    expect(texts(shown(framed, feed.log))).toEqual(['…abcd']);
    expect(framed.version).toBeGreaterThan(version);
    feed.rx('e\nf');
    framed.sync(feed.log, feed.log.end, 0);
    expect(texts(shown(framed, feed.log))).toEqual(['abcde', '…f']);
    // The same as framing the whole history at once.
    expect(texts(frame(feed, LINE))).toEqual(['abcde', '…f']);
  });

  it('switches framing back and forth over the same history, which stays in the log', () => {
    const feed = new Feed().rx('12345\n678').tx('hello').rx('90\n');
    expect(texts(frame(feed, LINE))).toEqual(['12345', 'tx:hello', '67890']);
    expect(texts(frame(feed, { mode: 'fixed', length: 4 }))).toEqual(['1234', '5\n67', 'tx:hello', '890\n']);
    expect(texts(frame(feed, LINE))).toEqual(['12345', 'tx:hello', '67890']);
    expect(feed.log.rowCount).toBe(3);
  });

  it('ends an idle-gap message once the silence has lasted', () => {
    const feed = new Feed()
      .rx('ab', 'c1', undefined, 1000)
      .rx('cd', 'c1', undefined, 1010)
      .rx('ef', 'c1', undefined, 1200);
    const framed = new FramedLog(spec({ mode: 'idle-gap', gapMs: 50 }));
    framed.sync(feed.log, feed.log.end, 1_220_000);
    expect(texts(shown(framed, feed.log))).toEqual(['abcd', '…ef']);
    expect(framed.nextDueUs()).toBe(1_250_000);
    framed.sync(feed.log, feed.log.end, 1_260_000);
    expect(texts(shown(framed, feed.log))).toEqual(['abcd', 'ef']);
  });

  it('marks a message whose bytes the view skipped instead of gluing its parts together', () => {
    const feed = new Feed().rx('par');
    feed.log.addGap(ROW_SKIPPED, 3, 5000);
    feed.rx('tial\nnext\n');
    const rows = frame(feed, LINE);
    expect(rows.map((r) => [r.text, r.bad ?? 0])).toEqual([
      ['par', 5],
      ['gap', 0],
      ['tial', 0],
      ['next', 0],
    ]);
  });

  it('lets messages go with the oldest rows the log evicts, and keeps framing what arrives', () => {
    const limits: LogLimits = { rowsPerSession: 1 << 16, bytesPerSession: 2 * MIB, totalBytes: 64 * MIB };
    const feed = new Feed(limits);
    const framed = new FramedLog(LINE);
    const line = 'x'.repeat(1000);
    for (let i = 0; i < 3000; i++) {
      feed.rx(`${i}:${line}\n`);
      if (i % 500 === 0) framed.sync(feed.log, feed.log.end, 0);
    }
    framed.sync(feed.log, feed.log.end, 0);
    expect(feed.log.evictedRecords).toBeGreaterThan(0);
    const rows = shown(framed, feed.log);
    expect(rows.length).toBe(feed.log.rowCount);
    expect(rows[0].text.startsWith(`${feed.log.seq(feed.log.first) - 1}:`)).toBe(true);
    expect(rows[rows.length - 1].text.startsWith('2999:')).toBe(true);
  });

  it('marks a JSON line that is not JSON, and gives up on a delimiter that does not come in time', () => {
    const feed = new Feed().rx('{"t":21.5}\n{"t":').rx('22}\nnot json\n');
    const framed = new FramedLog(spec({ mode: 'json-lines' }));
    framed.sync(feed.log, feed.log.end, 0);
    const verdicts = [0, 1, 2].map((k) => [
      decoder.decode(framed.bytes(feed.log, framed.first + k)),
      framed.bad(framed.first + k, feed.log),
    ]);
    expect(verdicts).toEqual([
      ['{"t":21.5}', 0],
      ['{"t":22}', 0],
      ['not json', 6],
    ]);
    expect(framed.detail(framed.first + 2, feed.log)).toMatch(/^not JSON/);

    const flood = new Feed().rx('x'.repeat(40)).rx('y'.repeat(40) + '\nz');
    expect(
      frame(flood, { mode: 'delimiter', delimiter: '0A', maxBytes: 32 }).map((r) => [r.text.length, r.bad ?? 0]),
    ).toEqual([
      [32, 3],
      [32, 3],
      [16, 0],
      [1, 0],
    ]);
  });

  it('starts over when the log is cleared', () => {
    const feed = new Feed().rx('old\npart');
    const framed = new FramedLog(LINE);
    framed.sync(feed.log, feed.log.end, 0);
    feed.log.clear();
    feed.rx('new\n');
    framed.sync(feed.log, feed.log.end, 0);
    expect(texts(shown(framed, feed.log))).toEqual(['new']);
  });
});

describe('framing controls as typed', () => {
  it("follows the session's framing until the view chooses its own, and keeps the last valid one while a field is wrong", () => {
    const session = {
      sessionId: 's1',
      config: { kind: 'tcp-server', framing: spec({ mode: 'delimiter', delimiter: '0D0A', keep: true }) },
    } as unknown as SessionInfo;
    const fromSession = appliedFraming('s1', undefined, session);
    expect(fromSession.draft).toMatchObject({ mode: 'delimiter', delimiter: '0D 0A', keepDelimiter: true });
    expect(fromSession.framing).toMatchObject({ mode: 'delimiter', delimiter: '0D 0A', keep: true });
    const typing = appliedFraming('s1', { ...fromSession.draft, delimiter: '0D0' }, session);
    expect(typing.problem?.field).toBe('delimiter');
    expect(typing.framing).toEqual(fromSession.framing);
    const own = appliedFraming('s1', { ...fromSession.draft, mode: 'line' }, session);
    expect(own.framing.mode).toBe('line');
    // The session's own setting is untouched by the view's choice.
    expect((session.config as { framing: FramingSpec }).framing).toMatchObject({ mode: 'delimiter', keep: true });
  });

  it('takes a delimiter in hex or with escapes, and says what is wrong with a bad one', () => {
    const parse = (delimiter: string) => parseFramingDraft({ ...DEFAULT_FRAMING_DRAFT, mode: 'delimiter', delimiter });
    const bytes = (delimiter: string) => {
      const result = parse(delimiter);
      return result.ok && result.framing.mode === 'delimiter' ? result.framing.delimiter : result;
    };
    expect(bytes('\\r\\n')).toBe('0D 0A');
    expect(bytes('0D 0A')).toBe('0D 0A');
    expect(bytes('7e')).toBe('7E');
    expect(bytes('END\\n')).toBe('45 4E 44 0A');
    const odd = parse('0D0');
    expect(odd.ok).toBe(false);
    if (!odd.ok) {
      expect(odd.problem.field).toBe('delimiter');
      expect(String(odd.problem.values.message)).toMatch(/digit/i);
    }
    const empty = parse('  ');
    expect(empty.ok ? 'ok' : empty.problem.values.message).toBe('');
    const fixed = parseFramingDraft({ ...DEFAULT_FRAMING_DRAFT, mode: 'fixed', fixedLength: '0' });
    expect(fixed.ok ? 'ok' : fixed.problem).toEqual({
      field: 'fixedLength',
      key: 'framing.numberError',
      values: { min: 1, max: 16 * 1024 * 1024 },
    });
  });
});
