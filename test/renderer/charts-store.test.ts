import iconv from 'iconv-lite';
import { describe, expect, it, vi } from 'vitest';
import type { Encoding } from '../../shared/codec/options';
import type { CaptureRecord, SessionStats } from '../../shared/contract';
import { T_BYTES_IN, T_MESSAGES_IN } from '../../renderer/src/charts/throughput';
import { ThroughputStore } from '../../renderer/src/charts/throughput-store';
import { ValueChartStore } from '../../renderer/src/charts/value-charts';
import { logStore, ROW_RX, ROW_TX } from '../../renderer/src/state/log';

// The charts fed the way the page feeds them: received rows in the session's log, stats reports as the app
// store holds them. What a person would notice: the values of received messages only, each once, decoded
// with the session's receive encoding, and a chart that goes away with its session.

// The log tells its followers once per animation frame; plain Node has no frames.
vi.hoisted(() => {
  const page = globalThis as unknown as { requestAnimationFrame?: (callback: (now: number) => void) => unknown };
  page.requestAnimationFrame ??= (callback) => setTimeout(() => callback(performance.now()), 0);
});

/** The log tells its followers at most every 30 ms; this is several of those. */
const afterFrames = () => new Promise((resolve) => setTimeout(resolve, 100));

/** The sessions the page knows, with their receive encodings (the app store's part in the page). */
const sessions = new Map<string, Encoding>();
const valueCharts = new ValueChartStore({
  exists: (sessionId) => sessions.has(sessionId),
  encoding: (sessionId) => sessions.get(sessionId) ?? 'utf-8',
});

function addSession(sessionId: string, encoding: Encoding = 'utf-8'): void {
  sessions.set(sessionId, encoding);
}

function removeSession(sessionId: string): void {
  sessions.delete(sessionId);
  logStore.drop(sessionId);
  valueCharts.sessionsChanged();
}

function receive(sessionId: string, seq: number, bytes: Uint8Array, dir: 'rx' | 'tx' = 'rx'): void {
  const log = logStore.log(sessionId);
  log.appendRecord(
    seq,
    seq * 1_000_000,
    dir === 'rx' ? ROW_RX : ROW_TX,
    'c1',
    '127.0.0.1:1',
    bytes,
    0,
    bytes.length,
    bytes.length,
  );
  // Any change tells the log's followers at the next frame; a note is the public way to make one.
  logStore.note(sessionId, 'info', { text: 'more' });
}

const utf8 = (text: string) => new TextEncoder().encode(text);
const TEMPERATURE = { kind: 'regex', pattern: 'T=(-?\\d+\\.\\d+)' } as const;

describe('value charts over the received rows', () => {
  it('reads the history first, then each new received row once; sent rows give nothing', async () => {
    addSession('v1');
    receive('v1', 1, utf8('T=20.0\n'));
    receive('v1', 2, utf8('T=99.0\n'), 'tx');
    const added = valueCharts.add('v1', { title: 'Room', series: [{ name: 'T', extractor: TEMPERATURE }] });
    if (!added.ok) throw new Error('the chart was refused');
    const chart = added.chart;
    expect(Array.from(chart.ring.ordered(1))).toEqual([20]);

    receive('v1', 3, utf8('T=21.5\n'));
    await vi.waitFor(() => expect(Array.from(chart.ring.ordered(1))).toEqual([20, 21.5]));
    expect(chart.ring.last(0)).toBe(3_000_000);

    // A reconnecting tab merges the capture's records into the log under new row numbers: seen ones stay seen.
    const again = (seq: number, text: string): CaptureRecord => ({
      sessionId: 'v1',
      seq,
      monoUs: seq * 1_000_000,
      wallUs: seq * 1_000_000,
      dir: 'rx',
      connectionId: 'c1',
      peer: '127.0.0.1:1',
      bytes: utf8(text),
    });
    logStore.replaceWithSnapshot('v1', [again(1, 'T=20.0\n'), again(3, 'T=21.5\n'), again(4, 'T=22.0\n')]);
    await vi.waitFor(() => expect(Array.from(chart.ring.ordered(1))).toEqual([20, 21.5, 22]));
    // Nothing more comes of it a few frames later: no row was taken twice.
    await afterFrames();
    expect(Array.from(chart.ring.ordered(1))).toEqual([20, 21.5, 22]);
    expect(chart.csv().split('\r\n')[0]).toBe('time,T');
    expect(chart.csv().split('\r\n')[3]).toBe('1970-01-01T00:00:04.000000Z,22');

    // Paused: the points keep coming in (the export has them); only the picture stands still.
    valueCharts.setPaused(chart, true);
    receive('v1', 5, utf8('T=23.0\n'));
    await vi.waitFor(() => expect(chart.ring.last(1)).toBe(23));
    valueCharts.remove(chart);
    receive('v1', 6, utf8('T=24.0\n'));
    await vi.waitFor(() => expect(chart.ring.last(1)).toBe(23));
    expect(valueCharts.of('v1')).toEqual([]);
    removeSession('v1');
  });

  it("decodes with the session's receive encoding", () => {
    addSession('v2', 'gbk');
    receive('v2', 1, iconv.encode('温度=25.4℃\r\n', 'gbk'));
    const added = valueCharts.add('v2', {
      title: '温度',
      series: [
        { name: '温度', extractor: { kind: 'regex', pattern: '温度=(\\d+\\.\\d+)' } },
        { name: 'first byte', extractor: { kind: 'binary', offset: '0', type: 'uint8', endian: 'big', scale: '' } },
      ],
    });
    expect(added.ok && Array.from(added.chart.ring.ordered(1))).toEqual([25.4]);
    expect(added.ok && Array.from(added.chart.ring.ordered(2))).toEqual([iconv.encode('温', 'gbk')[0]]);
    removeSession('v2');
  });

  it('makes nothing when a series has a problem, and says which series and field', () => {
    addSession('v3');
    const added = valueCharts.add('v3', {
      title: 'bad',
      series: [
        { name: 'ok', extractor: TEMPERATURE },
        { name: 'no group', extractor: { kind: 'regex', pattern: 'T=\\d+' } },
        { name: 'bad offset', extractor: { kind: 'binary', offset: '-2', type: 'int16', endian: 'little', scale: '' } },
      ],
    });
    expect(added).toEqual({
      ok: false,
      problems: [
        { series: 1, field: 'pattern', problem: 'patternNoGroup' },
        { series: 2, field: 'offset', problem: 'offsetInvalid', detail: expect.any(String) },
      ],
    });
    expect(valueCharts.of('v3')).toEqual([]);
    removeSession('v3');
  });

  it('removes the charts of a session that goes away', () => {
    addSession('v4');
    expect(valueCharts.add('v4', { title: 'x', series: [{ name: 'T', extractor: TEMPERATURE }] }).ok).toBe(true);
    expect(valueCharts.of('v4')).toHaveLength(1);
    removeSession('v4');
    expect(valueCharts.of('v4')).toEqual([]);
  });
});

describe('throughput from the stats reports', () => {
  it('adds a point per report after the first, from the engine time of each', () => {
    const report = (bytesIn: number, packetsIn: number, takenAt: number): SessionStats => ({
      sessionId: 't1',
      counters: { bytesIn, bytesOut: 0, packetsIn, packetsOut: 0, rateIn: 0, rateOut: 0, since: 1 },
      accepted: 0,
      refused: 0,
      capture: { records: 0, bytes: 0, capBytes: 0, evictedRecords: 0, evictedBytes: 0, firstSeq: 0, lastSeq: 0 },
      connections: [],
      takenAt,
    });
    const throughputStore = new ThroughputStore();
    const first = { t1: report(0, 0, 50_000) };
    throughputStore.take(first);
    const second = { ...first, t1: report(3000, 30, 51_000) };
    throughputStore.take(second);
    // A command's answer that copies the report (the capture file's state) is not a new point.
    throughputStore.take({ ...second, t1: { ...second.t1 } });
    const ring = throughputStore.of('t1').ring;
    expect(ring.length).toBe(1);
    expect(ring.last(T_BYTES_IN)).toBe(3000);
    expect(ring.last(T_MESSAGES_IN)).toBe(30);
  });
});
