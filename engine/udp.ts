import { createSocket, type RemoteInfo, type Socket as DgramSocket } from 'node:dgram';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { ConnectionInfo, SendOptions, SendResult, SendTarget, SessionInfo, UdpConfig } from '../shared/contract';
import { ok, type Result, type SockpitError } from '../shared/result';
import { nowStamp } from './capture';
import { explainError, explainWithOwner, formatEndpoint, MAX_UDP_PAYLOAD_IPV4, MAX_UDP_PAYLOAD_IPV6 } from './errors';
import { explainMulticastError } from './multicast-errors';
import { Session, whenListening } from './session';
import { PeerNames } from './udp-peers';
import {
  DropWatch,
  droppedError,
  openRefusalWatch,
  readSystemDrops,
  REFUSED_QUIET_MS,
  refusedError,
} from './udp-watch';
import { failWith, keyedError, wrappedError } from '../shared/errors/word';
import { receivedDatagram } from './young-collections';

function familyOf(host: string): 'udp4' | 'udp6' {
  return isIP(host.split('%')[0]) === 6 ? 'udp6' : 'udp4';
}

/**
 * Echoes wait in the socket's send queue only when the kernel will not take them; past this much
 * queued, echo skips datagrams (and says so once) instead of growing memory.
 */
export const UDP_ECHO_MAX_QUEUED_BYTES = 4 * 1024 * 1024;

/** The addresses a datagram from this very socket can come from, to recognise one sent to itself. */
function ownAddresses(bound: string): { addresses: Set<string>; anyLoopback: boolean } {
  const host = bound.split('%')[0];
  if (host !== '0.0.0.0' && host !== '::') return { addresses: new Set([host, `::ffff:${host}`]), anyLoopback: false };
  const addresses = new Set<string>(['::1']);
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) {
      addresses.add(entry.address);
      if (entry.family === 'IPv4') addresses.add(`::ffff:${entry.address}`);
    }
  }
  return { addresses, anyLoopback: true };
}

/** A bound UDP socket: receives from anyone, records every datagram's peer, sends anywhere. */
export class UdpSession extends Session<UdpConfig> {
  private socket?: DgramSocket;
  private recvBufferBytes?: number;
  private readonly groups = new Set<string>();
  private own?: { port: number; addresses: Set<string>; anyLoopback: boolean };
  private echoNoticesGiven = new Set<string>();
  private dropWatch?: DropWatch;
  private refusalWatch?: DgramSocket;
  private lastRefusedAt = Number.NEGATIVE_INFINITY;

  /** Datagrams the system dropped for this socket since it started (Linux only); undefined where unknown. */
  systemDrops(): number | undefined {
    return this.dropWatch?.dropped;
  }

  remoteText(): string | undefined {
    const { remoteHost, remotePort } = this.config;
    return remoteHost && remotePort ? formatEndpoint(remoteHost, remotePort) : undefined;
  }

  extraInfo(): Partial<SessionInfo> {
    return { recvBufferBytes: this.recvBufferBytes, multicastGroups: [...this.groups] };
  }

  get family(): 'udp4' | 'udp6' {
    return familyOf(this.config.host);
  }

  async start(): Promise<Result<void>> {
    if (this.running) return failWith('E_STATE', 'already-running', { what: 'UDP socket', state: this.state });
    const { host, port, reuseAddr, recvBufferBytes, remoteHost, remotePort } = this.config;
    this.setState('starting');
    // With a default remote, a second socket shares the port to hear ICMP port-unreachable (see openRefusalWatch).
    const watchRefusals = !!remoteHost && !!remotePort;
    const socket = createSocket({
      type: this.family,
      reuseAddr: reuseAddr || watchRefusals,
      recvBufferSize: recvBufferBytes,
    });
    const explain = (err: Error) => explainWithOwner(err, { op: 'bind', host, port, protocol: 'UDP' });
    const bound = await whenListening(socket, () => socket.bind({ address: host, port }), explain);
    if (!bound.ok) {
      socket.close();
      this.setState('failed', bound.error);
      return bound;
    }
    socket.on('error', (err) => this.reportError(explainError(err, { op: 'read', protocol: 'UDP' })));
    this.own = { port: socket.address().port, ...ownAddresses(host) };
    this.echoNoticesGiven = new Set();
    const peers = new PeerNames();
    // Sizes come from `rinfo.size`, a plain property; a datagram's byteLength is a getter call on Node's C++ Buffers.
    const onMessage = this.config.echo
      ? (message: Buffer, rinfo: RemoteInfo) => {
          // The echo goes out before the datagram is recorded, so listeners of the record cannot delay it.
          const peer = peers.name(rinfo.address, rinfo.port);
          const stamp = nowStamp();
          this.echo(socket, message, rinfo, peer, stamp);
          this.record(null, 'rx', peer, message, stamp);
          receivedDatagram(rinfo.size);
        }
      : (message: Buffer, rinfo: RemoteInfo) => {
          this.record(null, 'rx', peers.name(rinfo.address, rinfo.port), message);
          receivedDatagram(rinfo.size);
        };
    socket.on('message', onMessage);
    this.socket = socket;
    const applied = this.applyOptions(socket);
    if (!applied.ok) {
      await this.stop();
      this.setState('failed', applied.error);
      return applied;
    }
    const address = socket.address();
    if (watchRefusals) {
      const watch = await openRefusalWatch({
        family: this.family,
        host,
        port: address.port,
        remoteHost,
        remotePort,
        recvBufferBytes,
        onMessage,
        onRefused: () => this.reportRefused(remoteHost, remotePort),
      });
      if (this.socket !== socket) watch?.close();
      else this.refusalWatch = watch;
    }
    if (this.socket !== socket) return failWith('E_STATE', 'udp-stopped-while-starting');
    const family = this.family;
    const report = (dropped: number) => this.reportError(droppedError(dropped, this.recvBufferBytes));
    const dropWatch = new DropWatch(() => readSystemDrops(family, address.port), report);
    this.dropWatch = dropWatch;
    await dropWatch.start();
    if (this.socket !== socket) {
      dropWatch.stop();
      return failWith('E_STATE', 'udp-stopped-while-starting');
    }
    this.local = formatEndpoint(address.address, address.port);
    this.setState('listening');
    return ok(undefined);
  }

  /** One report per REFUSED_QUIET_MS: a repeating send to a closed port gets an ICMP answer for every datagram. */
  private reportRefused(host: string, port: number): void {
    const now = performance.now();
    if (now - this.lastRefusedAt < REFUSED_QUIET_MS) return;
    this.lastRefusedAt = now;
    this.reportError(refusedError(host, port));
  }

  sentToItself(peer: string): boolean {
    const endpoint = /^\[?(.*?)\]?:(\d+)$/.exec(peer);
    return !!endpoint && this.fromItself({ address: endpoint[1], port: Number(endpoint[2]) });
  }

  private fromItself(rinfo: Pick<RemoteInfo, 'address' | 'port'>): boolean {
    const own = this.own;
    if (!own || rinfo.port !== own.port) return false;
    const address = rinfo.address.split('%')[0];
    return (
      own.addresses.has(address) ||
      (own.anyLoopback && (address.startsWith('127.') || address.startsWith('::ffff:127.')))
    );
  }

  /** Say each kind of echo trouble once per start: at datagram rates a message per datagram would be a flood. */
  private echoNotice(key: string, error: SockpitError): void {
    if (this.echoNoticesGiven.has(key)) return;
    this.echoNoticesGiven.add(key);
    this.reportError(error);
  }

  /** Send a datagram back where it came from; recorded as tx once sent, like any send. */
  private echo(
    socket: DgramSocket,
    message: Buffer,
    rinfo: RemoteInfo,
    peer: string,
    stamp: { wallUs: number; monoUs: number },
  ): void {
    if (this.fromItself(rinfo)) {
      this.echoNotice('self', keyedError('E_ECHO_SELF', 'echo-self', { peer }));
      return;
    }
    if (socket.getSendQueueSize() + message.byteLength > UDP_ECHO_MAX_QUEUED_BYTES) {
      this.echoNotice(
        'queue',
        keyedError('E_ECHO_SKIPPED', 'echo-skipping', { mib: UDP_ECHO_MAX_QUEUED_BYTES / (1024 * 1024) }),
      );
      return;
    }
    socket.send(message, rinfo.port, rinfo.address, (err) => {
      if (err) {
        if (this.socket === socket) {
          const error = explainError(err, {
            op: 'send',
            host: rinfo.address,
            port: rinfo.port,
            protocol: 'UDP',
            size: message.byteLength,
          });
          this.echoNotice(`error:${error.code}`, wrappedError('echo-failed', {}, error));
        }
        return;
      }
      this.record(null, 'tx', peer, message, stamp);
    });
  }

  /** Options that only exist once the socket is bound (setBroadcast before bind throws EBADF). */
  private applyOptions(socket: DgramSocket): Result<void> {
    const { broadcast, ttl, multicastTtl, multicastLoopback, multicastGroups } = this.config;
    try {
      socket.setBroadcast(broadcast);
      if (ttl !== undefined) socket.setTTL(ttl);
      if (multicastTtl !== undefined) socket.setMulticastTTL(multicastTtl);
      if (multicastLoopback !== undefined) socket.setMulticastLoopback(multicastLoopback);
      this.recvBufferBytes = socket.getRecvBufferSize();
    } catch (err) {
      return { ok: false, error: explainError(err, { op: 'bind', protocol: 'UDP' }) };
    }
    for (const { group, iface } of multicastGroups) {
      const joined = this.multicast('join', group, iface);
      if (!joined.ok) return joined;
    }
    return ok(undefined);
  }

  multicast(action: 'join' | 'leave', group: string, iface: string | undefined): Result<{ groups: string[] }> {
    const socket = this.socket;
    if (!socket) return failWith('E_STATE', 'udp-join-needs-start');
    const key = iface ? `${group}@${iface}` : group;
    try {
      if (action === 'join') {
        socket.addMembership(group, iface);
        this.groups.add(key);
      } else {
        socket.dropMembership(group, iface);
        this.groups.delete(key);
      }
    } catch (err) {
      return { ok: false, error: explainMulticastError(err, { action, group, iface, socketFamily: this.family }) };
    }
    this.owner.emit({ type: 'session.state', session: this.info() });
    return ok({ groups: [...this.groups] });
  }

  async stop(): Promise<void> {
    const socket = this.socket;
    const watch = this.refusalWatch;
    this.socket = undefined;
    this.refusalWatch = undefined;
    this.dropWatch?.stop();
    this.lastRefusedAt = Number.NEGATIVE_INFINITY;
    this.groups.clear();
    if (watch) await new Promise<void>((resolve) => watch.close(() => resolve()));
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
    if (this.state !== 'idle') this.setState('idle');
  }

  /** Where a send (or a file send) to `target` goes. */
  destination(target: SendTarget | undefined): Result<{ host: string; port: number }> {
    if (!target) {
      const { remoteHost, remotePort } = this.config;
      if (remoteHost && remotePort) return ok({ host: remoteHost, port: remotePort });
      return failWith('E_NO_TARGET', 'udp-no-default-remote');
    }
    if (target.to === 'peer') return ok({ host: target.host, port: target.port });
    if (target.to === 'reply') {
      const record = this.capture.get(target.seq);
      if (!record) return failWith('E_NOT_FOUND', 'datagram-gone', { seq: target.seq });
      const match = /^\[?(.*?)\]?:(\d+)$/.exec(record.peer);
      if (!match) return failWith('E_INTERNAL', 'datagram-sender-unreadable', { seq: target.seq });
      return ok({ host: match[1], port: Number(match[2]) });
    }
    return failWith('E_VALIDATION', 'udp-target');
  }

  send(bytes: Uint8Array, target: SendTarget | undefined, options?: SendOptions): Promise<Result<SendResult>> {
    const socket = this.socket;
    if (!socket) return Promise.resolve(failWith('E_STATE', 'udp-not-started'));
    const destination = this.destination(target);
    if (!destination.ok) return Promise.resolve(destination);
    const { host, port } = destination.value;
    const family = this.family;
    const limit = family === 'udp4' ? MAX_UDP_PAYLOAD_IPV4 : MAX_UDP_PAYLOAD_IPV6;
    if (bytes.byteLength > limit) {
      const tooLarge = explainError(
        { code: 'EMSGSIZE', syscall: 'send' },
        { op: 'send', host, port, protocol: 'UDP', size: bytes.byteLength },
      );
      return Promise.resolve({ ok: false, error: { ...wrappedError('nothing-was-sent', {}, tooLarge) } });
    }
    const literal = isIP(host.split('%')[0]);
    if (literal !== 0 && (literal === 6) !== (family === 'udp6')) {
      return Promise.resolve(
        failWith('E_VALIDATION', family === 'udp4' ? 'udp-family-ipv4' : 'udp-family-ipv6', {
          bound: this.config.host,
          host,
        }),
      );
    }
    const stamp = nowStamp();
    return new Promise((resolve) => {
      socket.send(bytes, port, host, (err) => {
        if (err) {
          const error = explainError(err, { op: 'send', host, port, protocol: 'UDP', size: bytes.byteLength });
          this.reportError(error);
          resolve({ ok: false, error });
          return;
        }
        const seq = this.record(null, 'tx', formatEndpoint(host, port), bytes, stamp, this.meter, options?.encoding);
        resolve(ok({ bytes: bytes.byteLength, destinations: 1, seqs: [seq] }));
      });
    });
  }

  connections(): ConnectionInfo[] {
    return [];
  }
}
