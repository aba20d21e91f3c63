import type { Encoding } from '../../../shared/codec/options';
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
}

/**
 * The one place charts learn about received messages. Today a message is a received log row (one read
 * or one datagram); when the log holds framed messages, point this at them and every chart follows.
 *
 * It reads the session's log after the log's own once-a-frame notification, from where it last stopped,
 * so a flood costs a loop over new rows per frame and no work per record on arrival. `history` rows
 * already in the log are read first. A row seen twice (a reconnecting tab merges a snapshot into the log
 * under new serials) is skipped by its record number.
 */
export function followReceivedMessages(
  sessionId: string,
  listener: ReceivedMessageListener,
  history: number,
  facts: SessionFacts,
): () => void {
  let log = logStore.log(sessionId);
  let next = Math.max(log.first, log.end - history);
  let lastSeq = 0;
  const read = () => {
    // A removed session's log is gone; asking the store for it would make an empty one.
    if (!facts.exists(sessionId)) return;
    const current = logStore.log(sessionId);
    if (current !== log) {
      log = current;
      next = log.first;
    }
    const encoding = facts.encoding(sessionId);
    for (let serial = Math.max(next, log.first); serial < log.end; serial++) {
      if (log.kind(serial) !== ROW_RX) continue;
      const seq = log.seq(serial);
      if (seq <= lastSeq) continue;
      lastSeq = seq;
      const bytes = log.bytes(serial);
      listener(bytes, () => messageText(bytes, encoding), log.wallUs(serial));
    }
    next = log.end;
  };
  read();
  return logStore.subscribe(sessionId, read);
}
