import { beforeAll, describe, expect, it } from 'vitest';
import type { CaptureRecord } from '../../shared/contract';
import { BatchWriter, decodeBatch } from '../../shared/contract/batch';
import { StampedNotes } from '../../renderer/src/state/event-rows';
import { logStore, ROW_NOTE, ROW_RX } from '../../renderer/src/state/log';

// Connection events become rows among the records by the engine's monotonic time, not by where they sat in
// the batch: opened before the first data, closed after the last, another connection's events in between.

beforeAll(() => {
  const page = globalThis as unknown as { requestAnimationFrame?: (callback: (now: number) => void) => unknown };
  page.requestAnimationFrame ??= (callback) => setTimeout(() => callback(performance.now()), 0);
});

function record(seq: number, monoUs: number, text: string, connectionId: string): CaptureRecord {
  return {
    seq,
    sessionId: 's-events',
    connectionId,
    dir: 'rx',
    wallUs: 1_700_000_000_000_000 + monoUs,
    monoUs,
    peer: connectionId === 'c1' ? '127.0.0.1:5001' : '127.0.0.1:5002',
    bytes: new TextEncoder().encode(text),
  };
}

function rowsOf(sessionId: string): string[] {
  const log = logStore.log(sessionId);
  const rows: string[] = [];
  for (let s = log.first; s < log.end; s++) {
    if (log.kind(s) === ROW_RX) rows.push(`data ${new TextDecoder().decode(log.bytes(s))}`);
    else if (log.kind(s) === ROW_NOTE) {
      const say = log.note(s)!.say;
      rows.push(
        `note ${'note' in say ? say.note : 'key' in say ? say.key : say.text} ${log.peer(s)} @${log.wallUs(s)}`,
      );
    }
  }
  return rows;
}

describe('connection events as rows', () => {
  it('puts stamped notes among the records of the batch by monotonic time', () => {
    const writer = new BatchWriter(1);
    writer.beginSession('s-events', 0);
    writer.addRecord(record(1, 200, 'first', 'c1'));
    writer.addRecord(record(2, 400, 'second', 'c1'));
    writer.addRecord(record(3, 600, 'third', 'c2'));
    const batch = decodeBatch(writer.finish())!;
    const notes = new StampedNotes();
    const wall = (monoUs: number) => 1_700_000_000_000_000 + monoUs;
    notes.add({
      sessionId: 's-events',
      note: { tone: 'info', say: { note: 'connected' } },
      peer: '127.0.0.1:5001',
      wallUs: wall(100),
      monoUs: 100,
    });
    notes.add({
      sessionId: 's-events',
      note: { tone: 'info', say: { note: 'connected' } },
      peer: '127.0.0.1:5002',
      wallUs: wall(300),
      monoUs: 300,
    });
    notes.add({
      sessionId: 's-events',
      note: { tone: 'info', say: { key: 'close.peer-closed' } },
      peer: '127.0.0.1:5001',
      wallUs: wall(500),
      monoUs: 500,
    });
    notes.add({
      sessionId: 's-events',
      note: { tone: 'warn', say: { key: 'close.reset' } },
      peer: '127.0.0.1:5002',
      wallUs: wall(700),
      monoUs: 700,
    });
    logStore.ingest(batch, () => true, notes);
    expect(rowsOf('s-events')).toEqual([
      `note connected 127.0.0.1:5001 @${wall(100)}`,
      'data first',
      `note connected 127.0.0.1:5002 @${wall(300)}`,
      'data second',
      `note close.peer-closed 127.0.0.1:5001 @${wall(500)}`,
      'data third',
      `note close.reset 127.0.0.1:5002 @${wall(700)}`,
    ]);
    logStore.drop('s-events');
  });

  it('adds the stamped notes of a batch without records, and none for a session the view does not know', () => {
    const writer = new BatchWriter(2);
    const batch = decodeBatch(writer.finish())!;
    const notes = new StampedNotes();
    notes.add({
      sessionId: 's-events',
      note: { tone: 'warn', say: { note: 'refused', values: { limit: 'max clients' } } },
      peer: '127.0.0.1:5003',
      wallUs: 5,
      monoUs: 5,
    });
    notes.add({ sessionId: 's-unknown', note: { tone: 'info', say: { note: 'connected' } }, wallUs: 6, monoUs: 6 });
    logStore.ingest(batch, (id) => id === 's-events', notes);
    expect(rowsOf('s-events')).toEqual(['note refused 127.0.0.1:5003 @5']);
    expect(logStore.log('s-unknown').rowCount).toBe(0);
    logStore.drop('s-events');
    logStore.drop('s-unknown');
  });
});
