import { formatEndpoint } from './errors';

/** Distinct senders remembered; past this the oldest half is forgotten, so a scan of many ports stays bounded. */
export const MAX_REMEMBERED_PEERS = 4096;

/**
 * The "host:port" text of a datagram's sender, built once per sender. At 100k datagrams/s, building the text
 * for each one and having the capture store hash a fresh string each time cost a tenth of the receive path;
 * a flood almost always comes from one sender, so the last one is checked first, then a bounded map.
 */
export class PeerNames {
  private lastAddress = '';
  private lastPort = -1;
  private lastName = '';
  private readonly byEndpoint = new Map<string, Map<number, string>>();
  private remembered = 0;

  name(address: string, port: number): string {
    if (port === this.lastPort && address === this.lastAddress) return this.lastName;
    let ports = this.byEndpoint.get(address);
    let name = ports?.get(port);
    if (name === undefined) {
      if (this.remembered >= MAX_REMEMBERED_PEERS) this.forgetOldest();
      name = formatEndpoint(address, port);
      if (!ports) {
        ports = new Map();
        this.byEndpoint.set(address, ports);
      }
      ports.set(port, name);
      this.remembered++;
    }
    this.lastAddress = address;
    this.lastPort = port;
    this.lastName = name;
    return name;
  }

  /** Maps keep insertion order, so the first half of the addresses is the oldest. */
  private forgetOldest(): void {
    let toForget = Math.ceil(this.byEndpoint.size / 2);
    for (const [address, ports] of this.byEndpoint) {
      if (toForget-- <= 0) break;
      this.remembered -= ports.size;
      this.byEndpoint.delete(address);
    }
  }
}
