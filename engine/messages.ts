import type { CaptureRecord, FramingSpec, RxMessage } from '../shared/contract';
import { Framer, type FramedMessage } from '../shared/framing';
import { nowStamp } from './capture';

export type MessageListener = (message: RxMessage) => void;

/** What the messages of a session need from it. */
export interface MessageSource {
  readonly id: string;
  readonly config: { readonly framing: FramingSpec };
  reportListenerError(err: unknown): void;
}

/**
 * UDP framers are kept per peer; past this many peers the one heard from longest ago is flushed and
 * forgotten, so datagrams from ever new addresses cannot grow memory without end.
 */
export const MAX_UDP_PEER_FRAMERS = 4096;

/**
 * A session's received messages, for whoever listens (`Session.onMessage`): auto-reply rules, the CLI's
 * `--frame`. It exists only while someone listens, so a session nobody asks for messages pays nothing
 * per read. With per-read framing each rx record is one message and no framer runs; otherwise one framer
 * per connection (UDP: per peer) cuts the reads as they are recorded. A listener that joins later hears
 * messages from the next read on: framers start then, so the first message of a stream already under way
 * may begin mid-frame.
 */
export class SessionMessages {
  private readonly listeners = new Set<MessageListener>();
  private readonly framers = new Map<string, { framer: Framer; connectionId: string | null; peer: string }>();
  /** Idle-gap framers holding a partial message, checked by one timer for the whole session. */
  private readonly waiting = new Set<string>();
  private idleTimer?: NodeJS.Timeout;

  constructor(private readonly source: MessageSource) {}

  get size(): number {
    return this.listeners.size;
  }

  add(listener: MessageListener): void {
    this.listeners.add(listener);
  }

  delete(listener: MessageListener): void {
    this.listeners.delete(listener);
  }

  private get spec(): FramingSpec {
    return this.source.config.framing;
  }

  /**
   * A received record: deliver it, or the messages it completes, to every listener. Called on the record path
   * with the bytes the socket delivered (not the capture's copy, which a later record may overwrite).
   */
  received(record: CaptureRecord, bytes: Uint8Array): void {
    if (this.spec.mode === 'per-read') {
      this.deliver({
        sessionId: this.source.id,
        connectionId: record.connectionId,
        peer: record.peer,
        bytes,
        wallUs: record.wallUs,
        monoUs: record.monoUs,
        firstSeq: record.seq,
        lastSeq: record.seq,
      });
      return;
    }
    const key = record.connectionId ?? `udp ${record.peer}`;
    let entry = this.framers.get(key);
    if (!entry) {
      if (record.connectionId === null && this.framers.size >= MAX_UDP_PEER_FRAMERS) this.forgetOldestPeer();
      entry = { framer: new Framer(this.spec), connectionId: record.connectionId, peer: record.peer };
      this.framers.set(key, entry);
    } else if (record.connectionId === null) {
      // Map order is the order peers were last heard from.
      this.framers.delete(key);
      this.framers.set(key, entry);
    }
    const messages = entry.framer.push(bytes, record.wallUs, record.monoUs, record.seq);
    for (let i = 0; i < messages.length; i++) this.deliverFramed(entry, messages[i]);
    if (this.spec.mode === 'idle-gap') this.watchIdle(key, entry.framer);
  }

  /** A connection closed: its partial message comes out (marked incomplete, idle-gap aside) and its framer goes. */
  connectionClosed(connectionId: string): void {
    const entry = this.framers.get(connectionId);
    if (!entry) return;
    this.framers.delete(connectionId);
    this.waiting.delete(connectionId);
    for (const message of entry.framer.flush()) this.deliverFramed(entry, message);
  }

  /** The session stopped or its framing changed: every partial message comes out and the framers start over. */
  flushAll(): void {
    const entries = [...this.framers.values()];
    this.framers.clear();
    this.waiting.clear();
    this.stopIdleTimer();
    for (const entry of entries) for (const message of entry.framer.flush()) this.deliverFramed(entry, message);
  }

  private forgetOldestPeer(): void {
    const oldest = this.framers.keys().next();
    if (oldest.done) return;
    const entry = this.framers.get(oldest.value)!;
    this.framers.delete(oldest.value);
    this.waiting.delete(oldest.value);
    for (const message of entry.framer.flush()) this.deliverFramed(entry, message);
  }

  private watchIdle(key: string, framer: Framer): void {
    if (framer.pendingBytes === 0) {
      this.waiting.delete(key);
      return;
    }
    this.waiting.add(key);
    if (this.idleTimer || this.spec.mode !== 'idle-gap') return;
    // A quarter of the gap: a message ends at most that late after the line went quiet.
    const every = Math.max(1, Math.floor(this.spec.gapMs / 4));
    this.idleTimer = setInterval(() => this.checkIdle(), every);
    this.idleTimer.unref();
  }

  private checkIdle(): void {
    const { monoUs } = nowStamp();
    for (const key of [...this.waiting]) {
      const entry = this.framers.get(key);
      if (!entry) {
        this.waiting.delete(key);
        continue;
      }
      for (const message of entry.framer.flushIfIdle(monoUs)) this.deliverFramed(entry, message);
      if (entry.framer.pendingBytes === 0) this.waiting.delete(key);
    }
    if (this.waiting.size === 0) this.stopIdleTimer();
  }

  stopIdleTimer(): void {
    clearInterval(this.idleTimer);
    this.idleTimer = undefined;
  }

  private deliverFramed(entry: { connectionId: string | null; peer: string }, framed: FramedMessage): void {
    const message: RxMessage = {
      sessionId: this.source.id,
      connectionId: entry.connectionId,
      peer: entry.peer,
      bytes: framed.bytes,
      wallUs: framed.wallUs,
      monoUs: framed.monoUs,
      firstSeq: framed.firstSeq,
      lastSeq: framed.lastSeq,
    };
    if (framed.bad !== undefined) message.bad = framed.bad;
    this.deliver(message);
  }

  private deliver(message: RxMessage): void {
    for (const listener of this.listeners) {
      try {
        listener(message);
      } catch (err) {
        // A broken listener must not take the socket that is reading down with it.
        this.source.reportListenerError(err);
      }
    }
  }
}
