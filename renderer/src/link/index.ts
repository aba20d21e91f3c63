import { decodeBatch, type DecodedBatch } from '../../../shared/contract/batch';
import type { LinkState, PreloadApi, EngineApi } from '../../../shared/contract/wire';
import { BridgeLink } from './bridge-link';
import { deliverBatch } from './deliver';
import { InboundQueue } from './inbound-queue';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a browser tab. */
    sockpit?: PreloadApi;
  }
}

export interface EngineLink extends EngineApi {
  kind: 'electron' | 'bridge';
  link: LinkState;
  onLink(listener: (state: LinkState) => void): () => void;
}

/** The bridge hands its per-launch token in the URL's fragment, which never reaches a server log. */
export function bridgeSocketUrl(location: Location): string | undefined {
  const token = new URLSearchParams(location.hash.replace(/^#/, '')).get('token');
  if (!token) return undefined;
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws?token=${encodeURIComponent(token)}`;
}

/** The Electron preload gives raw bytes; they crossed a process boundary and are checked like the bridge's. */
function electronLink(preload: PreloadApi): EngineLink {
  const listeners = new Set<(batch: DecodedBatch) => void>();
  let unsubscribe: (() => void) | undefined;
  // Batches give way to input as over the bridge; replies come back through `execute`'s own promise.
  const inbound = new InboundQueue();
  return {
    kind: 'electron',
    link: 'open',
    execute: preload.execute,
    onBatch(listener) {
      listeners.add(listener);
      // Subscribing at the first listener, not before: a batch acknowledged with nobody to read it would be lost.
      unsubscribe ??= preload.onBatch((bytes) =>
        inbound.push(() => {
          // Unsubscribed while it waited: left unread and unacknowledged, as one that came after would be.
          if (listeners.size === 0) return;
          const batch = decodeBatch(bytes);
          if (!batch) {
            console.warn('Sockpit: ignored a malformed batch from the main process');
            return;
          }
          deliverBatch(listeners, batch);
          preload.ack(batch.header.batchId);
        }),
      );
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          unsubscribe?.();
          unsubscribe = undefined;
        }
      };
    },
    onLink: () => () => undefined,
  };
}

export function connectLink(): EngineLink | { error: string } {
  const preload = window.sockpit;
  if (preload) return electronLink(preload);
  const url = bridgeSocketUrl(window.location);
  if (!url)
    return { error: 'This page needs the address Sockpit printed when it started, including the part after #token=.' };
  const bridge = new BridgeLink(url);
  return {
    kind: 'bridge',
    get link() {
      return bridge.link;
    },
    execute: bridge.execute,
    onBatch: (listener) => bridge.onBatch(listener),
    onLink: (listener) => bridge.onLink(listener),
  };
}
