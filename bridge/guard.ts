// Who may talk to the bridge (docs/security.md §3): where it may listen, the Host allowlist against DNS
// rebinding, and the Origin check plus the per-launch token against cross-site WebSocket hijacking.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { Rejection } from './responses';

export const WS_PATH = '/ws';
/** 128 bits of randomness are 22 base64url characters; 32 bytes leave a wide margin. */
const TOKEN_BYTES = 32;

/** A refused upgrade, with the reason the log gives (the client gets `text`). */
export type Refusal = Rejection & { why: string };

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}

/** "host:port" as it appears in a Host header, IPv6 in brackets. */
export function hostHeaderFor(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Throws, in words, for an address the bridge must not listen on; returns whether it is loopback. */
export function checkListenAddress(host: string, allowRemote: boolean): { loopback: boolean } {
  if (host !== 'localhost' && isIP(host) === 0) {
    throw new Error(
      `"${host}" is not an address the bridge can listen on: give an IP address such as 127.0.0.1 or ::1.`,
    );
  }
  const loopback = isLoopbackHost(host);
  if (!loopback && !allowRemote) {
    throw new Error(
      `The bridge listens only on this computer (127.0.0.1) unless you also pass --allow-remote; ${host} would let other computers reach it.`,
    );
  }
  return { loopback };
}

/** Path and nothing else: query strings may carry the token and must never reach a log. */
export function pathOnly(rawUrl: string | undefined): string {
  const url = rawUrl ?? '';
  const cut = url.search(/[?#]/);
  const bare = cut < 0 ? url : url.slice(0, cut);
  // Logs are read by people in terminals: no control characters, no walls of junk.
  const printable = bare.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > 80 ? `${printable.slice(0, 80)}…` : printable;
}

/** The path of a request target, without its query or fragment. */
export function pathnameOf(rawUrl: string | undefined): string {
  return (rawUrl ?? '').split(/[?#]/, 1)[0]!;
}

function headerCount(req: IncomingMessage, name: string): number {
  let count = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]!.toLowerCase() === name) count++;
  return count;
}

function sameSecret(candidate: string, secret: string): boolean {
  const a = Buffer.from(candidate, 'utf8');
  const b = Buffer.from(secret, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function tokenFrom(rawUrl: string | undefined): string[] {
  const query = (rawUrl ?? '').split('#', 1)[0]!;
  const at = query.indexOf('?');
  if (at < 0) return [];
  try {
    return new URLSearchParams(query.slice(at + 1)).getAll('token');
  } catch {
    return [];
  }
}

/** Never more than one line per second about refused requests, so a flood cannot flood the terminal too. */
export class RejectionLog {
  private lastAt = 0;
  private suppressed = 0;
  constructor(private readonly log: (line: string) => void) {}

  note(line: string): void {
    const now = Date.now();
    if (now - this.lastAt < 1000) {
      this.suppressed++;
      return;
    }
    const more = this.suppressed > 0 ? ` (and ${this.suppressed} more refused since the last such line)` : '';
    this.lastAt = now;
    this.suppressed = 0;
    this.log(`${line}${more}`);
  }
}

export class Guard {
  /** The per-launch secret; only the URL the bridge prints carries it. */
  readonly token = randomBytes(TOKEN_BYTES).toString('base64url');
  // Filled in by admitAddress once the port is known; requests cannot arrive before that.
  private readonly allowedHosts = new Set<string>();
  private readonly allowedOrigins = new Set<string>();

  /**
   * The names this bridge answers to: loopback, the address it listens on, and with a wildcard remote listener this
   * machine's addresses.
   */
  admitAddress(address: AddressInfo, loopback: boolean): void {
    const { port } = address;
    const names = ['127.0.0.1', 'localhost', '::1'];
    if (isIP(address.address) !== 0 && !isWildcardHost(address.address)) names.push(address.address);
    if (!loopback && isWildcardHost(address.address)) {
      // Listening everywhere: other computers reach it by this machine's addresses, always IP literals.
      for (const entries of Object.values(networkInterfaces())) {
        for (const entry of entries ?? [])
          if (!entry.internal && !entry.address.includes('%')) names.push(entry.address);
      }
    }
    for (const name of names) {
      const hostHeader = hostHeaderFor(name.toLowerCase(), port);
      this.allowedHosts.add(hostHeader);
      this.allowedOrigins.add(`http://${hostHeader}`);
      // Browsers leave out the default port.
      if (port === 80) {
        const bare = name.includes(':') ? `[${name}]` : name;
        this.allowedHosts.add(bare);
        this.allowedOrigins.add(`http://${bare}`);
      }
    }
  }

  /** The Host allowlist (DNS rebinding): exactly one Host header, naming this bridge by a loopback name. */
  checkHost(req: IncomingMessage): Rejection | undefined {
    const count = headerCount(req, 'host');
    if (count === 0) return { status: 400, text: 'Bad request: the Host header is missing.' };
    if (count > 1) return { status: 400, text: 'Bad request: more than one Host header.' };
    const value = (req.headers.host ?? '').toLowerCase();
    if (!this.allowedHosts.has(value))
      return { status: 403, text: 'Forbidden: this bridge answers only to its own address.' };
    return undefined;
  }

  /** Exactly one token, and the right one, compared in constant time. */
  hasValidToken(rawUrl: string | undefined): boolean {
    const given = tokenFrom(rawUrl);
    return given.length === 1 && sameSecret(given[0]!, this.token);
  }

  /** Host, path, token and Origin of a WebSocket upgrade, in that order; undefined lets it through. */
  checkUpgrade(req: IncomingMessage): Refusal | undefined {
    const badHost = this.checkHost(req);
    if (badHost) return { ...badHost, why: 'wrong Host header' };
    if (pathnameOf(req.url) !== WS_PATH) return { status: 404, text: 'Not found.', why: 'no WebSocket there' };
    if (!this.hasValidToken(req.url))
      return { status: 401, text: 'Unauthorized: the token is missing or wrong.', why: 'missing or wrong token' };
    // A browser always sends Origin; only non-browser clients (which have the token) may omit it.
    const originCount = headerCount(req, 'origin');
    const origin = (req.headers.origin ?? '').toLowerCase();
    if (originCount > 1 || (originCount === 1 && !this.allowedOrigins.has(origin))) {
      return { status: 403, text: 'Forbidden: pages from other sites may not connect.', why: 'foreign Origin' };
    }
    return undefined;
  }
}
