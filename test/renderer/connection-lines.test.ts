import { beforeAll, describe, expect, it } from 'vitest';
import type { CaptureRecord, ConnectionEvent, ConnectionInfo } from '../../shared/contract';
import { logStore } from '../../renderer/src/state/log';
import { lineOf } from '../../renderer/src/workspace/line-of';

// The connection lines a reloaded page gets back from the engine: worded as the live ones, and put among the
// records by the engine's stamps, not at the end.

beforeAll(() => {
  const page = globalThis as unknown as { requestAnimationFrame?: (callback: (now: number) => void) => unknown };
  page.requestAnimationFrame ??= (callback) => setTimeout(() => callback(performance.now()), 0);
});

const connection: ConnectionInfo = {
  connectionId: 'c1',
  sessionId: 's1',
  peer: '127.0.0.1:50000',
  local: '127.0.0.1:7000',
  connectedAt: 1,
  state: 'open',
  counters: { bytesIn: 0, bytesOut: 0, packetsIn: 0, packetsOut: 0, rateIn: 0, rateOut: 0, since: 1 },
};

const record = (seq: number, monoUs: number): CaptureRecord => ({
  seq,
  sessionId: 's1',
  connectionId: 'c1',
  dir: 'rx',
  wallUs: 1_000_000 + monoUs,
  monoUs,
  peer: connection.peer,
  bytes: Uint8Array.of(seq),
});

const events: ConnectionEvent[] = [
  { type: 'connection.opened', connection, wallUs: 1_000_010, monoUs: 10 },
  { type: 'connection.halfClosed', sessionId: 's1', connectionId: 'c1', by: 'peer', wallUs: 1_000_250, monoUs: 250 },
  {
    type: 'connection.closed',
    connection: { ...connection, state: 'closed' },
    reason: 'reset',
    wallUs: 1_000_300,
    monoUs: 300,
  },
];

describe('connection lines from the engine', () => {
  it('say what the live lines say, with the peer, for a server and a client', () => {
    const peers = new Map<string, string>();
    const [opened, half, closed] = events.map((event) => lineOf(event, 'tcp-server', peers));
    expect(opened).toEqual({
      sessionId: 's1',
      note: { tone: 'info', say: { note: 'connected' } },
      peer: '127.0.0.1:50000',
      wallUs: 1_000_010,
      monoUs: 10,
    });
    // A half-close names no peer itself: the line takes it from the connection's opening.
    expect(half.peer).toBe('127.0.0.1:50000');
    expect(half.note.say).toEqual({ note: 'peerHalfClosed' });
    expect(closed.note).toEqual({ tone: 'warn', say: { key: 'close.reset', detail: undefined } });
    expect(lineOf(events[0], 'tcp-client', new Map()).note.say).toEqual({
      key: 'connectedTo',
      values: { remote: '127.0.0.1:50000', local: '127.0.0.1:7000' },
    });
  });

  it('go in among the records of a snapshot by their stamps: opened first, the half-close between, closed last', () => {
    const lines = events.map((event) => lineOf(event, 'tcp-server', new Map()));
    logStore.replaceWithSnapshot('s1', [record(1, 100), record(2, 200), record(3, 280)], lines);
    const log = logStore.log('s1');
    const shown: Array<number | string> = [];
    for (let s = log.first; s < log.end; s++) {
      const note = log.note(s)?.say;
      shown.push(
        log.isRecord(s) ? log.seq(s) : note && 'note' in note ? note.note : String(note && 'key' in note && note.key),
      );
    }
    expect(shown).toEqual(['connected', 1, 2, 'peerHalfClosed', 3, 'close.reset']);
    // A second snapshot with no new lines (a tab that only lost its link) adds none: the ones it has stay once.
    logStore.replaceWithSnapshot('s1', [record(1, 100), record(2, 200), record(3, 280)], []);
    const again = logStore.log('s1');
    let notes = 0;
    for (let s = again.first; s < again.end; s++) if (!again.isRecord(s)) notes++;
    expect(notes).toBe(3);
    logStore.drop('s1');
  });
});
