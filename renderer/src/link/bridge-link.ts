import {
  fromWireText,
  ReplyMessage,
  MAX_CLIENT_MESSAGE_BYTES,
  RESEND_WITHIN_MS,
  toWireText,
  type AnyResult,
  type ClientMessage,
  type LinkState,
  type EngineApi,
} from '../../../shared/contract/wire';
import { decodeBatch, type DecodedBatch } from '../../../shared/contract/batch';
import { deliverBatch } from './deliver';
import { InboundQueue } from './inbound-queue';

/** A command sent and not answered yet; `lostAt` is set while the connection it went out on is gone. */
interface Waiting {
  resolve: (result: AnyResult) => void;
  text: string;
  lostAt?: number;
}

/** A random id for this page load, which the bridge files its answers under (HelloMessage). */
function newClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * The engine behind the browser bridge's WebSocket. A tab can lose the bridge (laptop sleeps, a flood
 * outruns it); the link comes back by itself and asks again, with the same ids, for every answer it was
 * still waiting for. The bridge answers those from what it kept, so nothing is carried out twice. Only when
 * the link does not come back within RESEND_WITHIN_MS is a command reported as perhaps done, perhaps not.
 */
export class BridgeLink implements EngineApi {
  private socket: WebSocket | undefined;
  private nextId = 1;
  private readonly clientId = newClientId();
  private readonly waiting = new Map<number, Waiting>();
  private readonly batchListeners = new Set<(batch: DecodedBatch) => void>();
  private readonly linkListeners = new Set<(state: LinkState) => void>();
  private retryMs = 250;
  /** Replies and batches, applied in arrival order in slices that give way to input (see InboundQueue). */
  private readonly inbound = new InboundQueue();
  link: LinkState = 'connecting';

  constructor(private readonly url: string) {
    this.open();
  }

  private open(): void {
    this.setLink('connecting');
    const socket = new WebSocket(this.url);
    // Batches are binary frames; an ArrayBuffer is read in place, a Blob would need an async read first.
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    socket.onopen = () => {
      this.retryMs = 250;
      socket.send(toWireText({ type: 'hello', clientId: this.clientId }));
      for (const entry of this.waiting.values()) {
        if (entry.lostAt === undefined) continue;
        entry.lostAt = undefined;
        socket.send(entry.text);
      }
      this.setLink('open');
    };
    socket.onmessage = (message) => {
      const data: unknown = message.data;
      if (typeof data === 'string') this.inbound.push(() => this.receive(data));
      else if (data instanceof ArrayBuffer) this.inbound.push(() => this.receiveBatch(socket, data));
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      const lostAt = performance.now();
      for (const entry of this.waiting.values()) entry.lostAt ??= lostAt;
      setTimeout(() => this.giveUp(), RESEND_WITHIN_MS);
      this.setLink('closed');
      setTimeout(() => this.open(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 4000);
    };
  }

  /**
   * Commands whose connection has been gone for RESEND_WITHIN_MS: the engine may well have carried them out and
   * only the answer was lost. Saying they failed made people send again and duplicate what had gone.
   */
  private giveUp(): void {
    const now = performance.now();
    for (const [id, entry] of this.waiting) {
      if (entry.lostAt === undefined || now - entry.lostAt < RESEND_WITHIN_MS) continue;
      this.waiting.delete(id);
      entry.resolve({
        ok: false,
        error: {
          code: 'E_LINK_UNKNOWN',
          message: 'The connection to Sockpit was lost before it answered, so it is not known whether this was done.',
          hint: 'Check the log before trying again: it may have gone through.',
        },
      });
    }
  }

  private receive(text: string): void {
    let parsed;
    try {
      parsed = ReplyMessage.safeParse(fromWireText(text));
    } catch {
      return;
    }
    // A message that does not match the contract is dropped, not half-applied.
    if (!parsed.success) {
      console.warn('Sockpit: ignored a malformed message from the bridge', parsed.error.issues[0]);
      return;
    }
    const message = parsed.data;
    const entry = this.waiting.get(message.id);
    this.waiting.delete(message.id);
    entry?.resolve(message.result as AnyResult);
  }

  /**
   * A batch is checked whole (a malformed one is dropped, never half-applied), handed to the listeners
   * synchronously, and acknowledged once they return: a busy tab receives less instead of queueing more.
   * A dropped batch needs no answer of its own; the next acknowledgement covers every batch before it.
   */
  private receiveBatch(socket: WebSocket, data: ArrayBuffer): void {
    const batch = decodeBatch(data);
    if (!batch) {
      console.warn('Sockpit: ignored a malformed batch from the bridge');
      return;
    }
    deliverBatch(this.batchListeners, batch);
    const ack: ClientMessage = { type: 'ack', batchId: batch.header.batchId };
    if (socket === this.socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(ack));
  }

  private setLink(state: LinkState): void {
    this.link = state;
    for (const listener of this.linkListeners) listener(state);
  }

  execute: EngineApi['execute'] = (command) => {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      return Promise.resolve({
        ok: false,
        error: {
          code: 'E_LINK',
          message: 'Sockpit is not connected right now.',
          hint: 'It reconnects by itself; try again in a moment.',
        },
      });
    }
    const id = this.nextId++;
    const text = toWireText({ type: 'command', id, command });
    // The bridge closes a socket that sends more than this; refuse here instead, in words.
    if (new Blob([text]).size > MAX_CLIENT_MESSAGE_BYTES) {
      return Promise.resolve({
        ok: false,
        error: {
          code: 'E_TOO_LARGE',
          message: `Through the browser a message can be at most ${MAX_CLIENT_MESSAGE_BYTES / 1024} KiB.`,
          hint: 'Send it in parts, or use the desktop app.',
        },
      });
    }
    return new Promise((resolve) => {
      this.waiting.set(id, { resolve: resolve as (result: AnyResult) => void, text });
      socket.send(text);
    });
  };

  onBatch(listener: (batch: DecodedBatch) => void): () => void {
    this.batchListeners.add(listener);
    return () => this.batchListeners.delete(listener);
  }

  onLink(listener: (state: LinkState) => void): () => void {
    this.linkListeners.add(listener);
    return () => this.linkListeners.delete(listener);
  }
}
