import {
  fromWireText,
  HostMessage,
  MAX_CLIENT_MESSAGE_BYTES,
  toWireText,
  type AnyResult,
  type HostLinkState,
  type SockpitHost,
} from '../../../shared/contract/wire';
import type { EngineEvent } from '../../../shared/contract';

/**
 * The engine behind the browser bridge's WebSocket. A tab can lose the bridge (laptop sleeps, the
 * bridge restarts); commands in flight then fail in words, and the link comes back by itself.
 */
export class BridgeHost implements SockpitHost {
  private socket: WebSocket | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, (result: AnyResult) => void>();
  private readonly eventListeners = new Set<(events: EngineEvent[]) => void>();
  private readonly linkListeners = new Set<(state: HostLinkState) => void>();
  private retryMs = 250;
  link: HostLinkState = 'connecting';

  constructor(private readonly url: string) {
    this.open();
  }

  private open(): void {
    this.setLink('connecting');
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      this.retryMs = 250;
      this.setLink('open');
    };
    socket.onmessage = (message) => {
      if (typeof message.data !== 'string') return;
      this.receive(message.data);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      for (const [, resolve] of this.waiting) {
        resolve({ ok: false, error: { code: 'E_LINK', message: 'The connection to Sockpit was lost before it answered.', hint: 'It reconnects by itself; try again in a moment.' } });
      }
      this.waiting.clear();
      this.setLink('closed');
      setTimeout(() => this.open(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 4000);
    };
  }

  private receive(text: string): void {
    let parsed;
    try {
      parsed = HostMessage.safeParse(fromWireText(text));
    } catch {
      return;
    }
    // A message that does not match the contract is dropped, not half-applied.
    if (!parsed.success) {
      console.warn('Sockpit: ignored a malformed message from the bridge', parsed.error.issues[0]);
      return;
    }
    const message = parsed.data;
    if (message.type === 'reply') {
      const resolve = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      resolve?.(message.result as AnyResult);
    } else {
      for (const listener of this.eventListeners) listener(message.events);
    }
  }

  private setLink(state: HostLinkState): void {
    this.link = state;
    for (const listener of this.linkListeners) listener(state);
  }

  execute: SockpitHost['execute'] = (command) => {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      return Promise.resolve({ ok: false, error: { code: 'E_LINK', message: 'Sockpit is not connected right now.', hint: 'It reconnects by itself; try again in a moment.' } });
    }
    const id = this.nextId++;
    const text = toWireText({ type: 'command', id, command });
    // The bridge closes a socket that sends more than this; refuse here instead, in words.
    if (new Blob([text]).size > MAX_CLIENT_MESSAGE_BYTES) {
      return Promise.resolve({
        ok: false,
        error: { code: 'E_TOO_LARGE', message: `Through the browser a message can be at most ${MAX_CLIENT_MESSAGE_BYTES / 1024} KiB.`, hint: 'Send it in parts, or use the desktop app.' },
      });
    }
    return new Promise((resolve) => {
      this.waiting.set(id, resolve as (result: AnyResult) => void);
      socket.send(text);
    });
  };

  onEvents(listener: (events: EngineEvent[]) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onLink(listener: (state: HostLinkState) => void): () => void {
    this.linkListeners.add(listener);
    return () => this.linkListeners.delete(listener);
  }
}
