import { EngineEvent } from '../../../shared/contract';
import type { HostLinkState, SockpitHost } from '../../../shared/contract/wire';
import { BridgeHost } from './bridge-host';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a browser tab. */
    sockpit?: SockpitHost & { platform?: string };
  }
}

export interface ConnectedHost extends SockpitHost {
  kind: 'electron' | 'bridge';
  link: HostLinkState;
  onLink(listener: (state: HostLinkState) => void): () => void;
}

/** The bridge hands its per-launch token in the URL's fragment, which never reaches a server log. */
export function bridgeSocketUrl(location: Location): string | undefined {
  const token = new URLSearchParams(location.hash.replace(/^#/, '')).get('token');
  if (!token) return undefined;
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws?token=${encodeURIComponent(token)}`;
}

export function connectHost(): ConnectedHost | { error: string } {
  const electron = window.sockpit;
  if (electron) {
    return {
      kind: 'electron',
      link: 'open',
      execute: electron.execute,
      // IPC crosses a process boundary too: events are checked against the contract on arrival.
      onEvents: (listener) => electron.onEvents((events) => listener(events.filter((event) => EngineEvent.safeParse(event).success))),
      onLink: () => () => undefined,
    };
  }
  const url = bridgeSocketUrl(window.location);
  if (!url) return { error: 'This page needs the address Sockpit printed when it started, including the part after #token=.' };
  const bridge = new BridgeHost(url);
  return {
    kind: 'bridge',
    get link() {
      return bridge.link;
    },
    execute: bridge.execute,
    onEvents: (listener) => bridge.onEvents(listener),
    onLink: (listener) => bridge.onLink(listener),
  };
}
