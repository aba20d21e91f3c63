import { beforeAll, describe, expect, it } from 'vitest';
import type { CaptureRecord } from '../../shared/contract';
import { BatchWriter, decodeBatch } from '../../shared/contract/batch';
import { RowFormatter, type RowContent } from '../../renderer/src/log/format';
import { logStore, type SessionLog } from '../../renderer/src/state/log';

// Tx rows of a text send are decoded with the encoding they were sent in; rx rows (and hex sends) with the
// view's receive encoding. What a person sees is the row's text, so that is what is checked.

beforeAll(() => {
  // The store tells views about changes once per animation frame; plain Node has no frames.
  const page = globalThis as unknown as { requestAnimationFrame?: (callback: (now: number) => void) => unknown };
  page.requestAnimationFrame ??= (callback) => setTimeout(() => callback(performance.now()), 0);
});

const GBK_HELLO = Uint8Array.from([0xc4, 0xfa, 0xba, 0xc3]); // 您好

function record(seq: number, dir: 'rx' | 'tx', bytes: Uint8Array, encoding?: CaptureRecord['encoding']): CaptureRecord {
  return {
    seq,
    sessionId: 's-tx',
    connectionId: null,
    dir,
    wallUs: seq,
    monoUs: seq,
    peer: '127.0.0.1:7',
    bytes,
    ...(encoding ? { encoding } : {}),
  };
}

function text(content: RowContent): string {
  return content.pieces.map((piece) => piece.text).join('');
}

function shown(log: SessionLog, encoding: 'utf-8' | 'gbk'): string[] {
  const formatter = new RowFormatter();
  const rows: string[] = [];
  for (let serial = log.first; serial < log.end; serial++) {
    rows.push(
      text(formatter.content({ log, serial, lo: log.first, hi: log.end, mode: 'text', encoding, shown: 1024 })),
    );
  }
  return rows;
}

const records = [
  record(1, 'tx', GBK_HELLO, 'gbk'),
  record(2, 'rx', GBK_HELLO),
  record(3, 'tx', Uint8Array.from([0xc4, 0xe3])), // a hex send: 你 in GBK, no encoding of its own
];

describe('tx rows in their own encoding', () => {
  it('a batch brings the encoding into the log; switching the receive encoding changes the other rows only', () => {
    const writer = new BatchWriter(1);
    writer.beginSession('s-tx', 0);
    for (const r of records) writer.addRecord(r);
    logStore.ingest(decodeBatch(writer.finish())!);
    const log = logStore.log('s-tx');
    try {
      expect(shown(log, 'utf-8')).toEqual(['您好', '\\xC4\\xFA\\xBA\\xC3', '\\xC4\\xE3']);
      expect(shown(log, 'gbk')).toEqual(['您好', '您好', '你']);
      expect(log.sentEncoding(log.first)).toBe('gbk');
      expect(log.sentEncoding(log.first + 1)).toBeUndefined();
    } finally {
      logStore.drop('s-tx');
    }
  });

  it('a reloaded tab’s snapshot (capture.read records) keeps the encoding too', () => {
    logStore.replaceWithSnapshot('s-tx', records);
    const log = logStore.log('s-tx');
    try {
      expect(shown(log, 'utf-8')).toEqual(['您好', '\\xC4\\xFA\\xBA\\xC3', '\\xC4\\xE3']);
      // Merging a newer snapshot copies the rows it has: the copy keeps the encoding.
      logStore.replaceWithSnapshot('s-tx', [...records, record(4, 'tx', Uint8Array.from([0x82, 0xa0]), 'shift_jis')]);
      expect(shown(logStore.log('s-tx'), 'gbk')).toEqual(['您好', '您好', '你', 'あ']);
    } finally {
      logStore.drop('s-tx');
    }
  });
});
