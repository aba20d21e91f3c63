import type { Encoding } from '../../../shared/codec/options';
import { FRAMED_MESSAGE, FramedLog } from '../framing/framed-log';
import { framingKey, type FramingSpec } from '../framing/choice';
import { BAD_NONE } from '../framing/splitters';
import { logStore, ROW_RX } from '../state/log';
import { messageText } from './message-text';

/**
 * One received message as charts see it: its bytes, its text in the session's receive encoding (decoded
 * only when asked, since binary fields do not need it) and the time of its first byte (µs since the epoch).
 */
export type ReceivedMessageListener = (bytes: Uint8Array, text: () => string, timeUs: number) => void;

/** What charts need to know about sessions from the app: kept apart so the charts also run in plain Node. */
export interface SessionFacts {
  exists(sessionId: string): boolean;
  /** The session's receive encoding, the one its log shows text in. */
  encoding(sessionId: string): Encoding;
  /** How the session's view cuts received bytes into messages; absent: per read. */
  framing?(sessionId: string): FramingSpec;
}

const PER_READ: FramingSpec = { mode: 'per-read' };

/**
 * The one place charts learn about received messages: per read, a received log row (one read or one
 * datagram); when the session's view shows a framing, each message it cuts, once it has ended and unless the
 * framing marks it bad, with the time of its first byte. Every chart follows.
 *
 * It reads the session's log after the log's own once-a-frame notification, from where it last stopped,
 * so a flood costs a loop over new rows per frame and no work per record on arrival. `history` rows
 * already in the log are read first. A row seen twice (a reconnecting tab merges a snapshot into the log
 * under new serials) is skipped by its record number.
 *
 * Messages are cut by a framed view of the follower's own, not the log view's: a paused log view stops
 * framing where it froze, while charts keep collecting. When the framing changes, the points taken stay;
 * the new framing applies to the bytes that arrive from then on (rows already read are not read again).
 */
export function followReceivedMessages(
  sessionId: string,
  listener: ReceivedMessageListener,
  history: number,
  facts: SessionFacts,
): () => void {
  let log = logStore.log(sessionId);
  let next = Math.max(log.first, log.end - history);
  /** Rows before this serial were not asked for (older than `history`). */
  const floor = next;
  let lastSeq = 0;
  /** The highest record number of a received row read so far, whatever the framing. */
  let readSeq = 0;
  /** Messages starting in rows up to this record number were read under another framing or log. */
  let seenThroughSeq = 0;
  let framingKeyNow = 'per-read';
  let framed: FramedLog | undefined;
  let nextPosition = 0;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;

  const readRows = (encoding: Encoding) => {
    for (let serial = Math.max(next, log.first); serial < log.end; serial++) {
      if (log.kind(serial) !== ROW_RX) continue;
      const seq = log.seq(serial);
      if (seq <= lastSeq || seq <= seenThroughSeq) continue;
      lastSeq = readSeq = seq;
      const bytes = log.bytes(serial);
      listener(bytes, () => messageText(bytes, encoding), log.wallUs(serial));
    }
  };

  const readMessages = (view: FramedLog, encoding: Encoding) => {
    for (let serial = Math.max(next, log.first); serial < log.end; serial++)
      if (log.kind(serial) === ROW_RX) readSeq = Math.max(readSeq, log.seq(serial));
    view.sync(log, log.end, Date.now() * 1000);
    for (let position = Math.max(nextPosition, view.first); position < view.end; position++) {
      if (view.kind(position) !== FRAMED_MESSAGE || view.bad(position) !== BAD_NONE) continue;
      const serial = view.serial(position);
      if (serial < floor || serial < log.first || log.seq(serial) <= seenThroughSeq) continue;
      const bytes = view.bytes(log, position);
      listener(bytes, () => messageText(bytes, encoding), log.wallUs(serial));
    }
    nextPosition = view.end;
    // An idle-gap message ends by silence, which no new row announces: look again when it will have lasted.
    clearTimeout(idleTimer);
    const dueUs = view.nextDueUs();
    if (Number.isFinite(dueUs)) idleTimer = setTimeout(read, Math.max(0, dueUs / 1000 - Date.now()) + 5);
  };

  const read = () => {
    // A removed session's log is gone; asking the store for it would make an empty one.
    if (!facts.exists(sessionId)) return;
    const current = logStore.log(sessionId);
    if (current !== log) {
      log = current;
      next = log.first;
      seenThroughSeq = Math.max(seenThroughSeq, readSeq);
      if (framed) framed = new FramedLog(framed.framing);
      nextPosition = 0;
    }
    const framing = facts.framing?.(sessionId) ?? PER_READ;
    const key = framing.mode === 'per-read' ? 'per-read' : framingKey(framing);
    if (key !== framingKeyNow) {
      if (framingKeyNow !== 'per-read' || key !== 'per-read') seenThroughSeq = Math.max(seenThroughSeq, readSeq);
      framingKeyNow = key;
      framed = framing.mode === 'per-read' ? undefined : new FramedLog(framing);
      nextPosition = 0;
    }
    const encoding = facts.encoding(sessionId);
    if (framed) readMessages(framed, encoding);
    else readRows(encoding);
    next = log.end;
  };
  read();
  const unsubscribe = logStore.subscribe(sessionId, read);
  return () => {
    clearTimeout(idleTimer);
    unsubscribe();
  };
}
