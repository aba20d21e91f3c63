import { createServer, type Server, type Socket } from 'node:net';
import type { ConnectionInfo, SendOptions, SendResult, SendTarget, TcpServerConfig } from '../shared/contract';
import { failWith } from '../shared/errors/word';
import { ok, type Result } from '../shared/result';
import { nowStamp } from './capture';
import { explainWithOwner, formatEndpoint } from './errors';
import { Session, whenListening } from './session';
import type { Meter } from './stats';
import { TcpConnection } from './tcp-connection';
import { sendToEach } from './send-many';
import { adoptAccepted, SocketReader } from './tcp-read';

/**
 * Connections the kernel may hold completed but not yet accepted (capped by net.core.somaxconn). Node's
 * default of 511 overflows when a device farm or a load script connects in a burst: the kernel then drops
 * handshakes and the clients wait a second to retry (10,000 clients took 2.5 s instead of 0.6 s).
 */
const LISTEN_BACKLOG = 4096;

/** A TCP listener and the clients it accepted. */
export class TcpServerSession extends Session<TcpServerConfig> {
  private server?: Server;
  private readonly clients = new Map<string, TcpConnection>();
  private readonly perIp = new Map<string, number>();

  async start(): Promise<Result<void>> {
    if (this.running) return failWith('E_STATE', 'already-running', { what: 'server', state: this.state });
    const { host, port, allowHalfOpen, noDelay } = this.config;
    this.setState('starting');
    // Paused: an accepted socket must not start reading before its handle moves to a socket with `onread`.
    const server = createServer({ allowHalfOpen, noDelay, pauseOnConnect: true });
    server.on('connection', (socket) => this.accept(socket));
    const explain = (err: Error) => explainWithOwner(err, { op: 'listen', host, port, protocol: 'TCP' });
    const listening = await whenListening(
      server,
      () => server.listen({ host, port, backlog: LISTEN_BACKLOG }),
      explain,
    );
    if (!listening.ok) {
      server.close();
      this.setState('failed', listening.error);
      return listening;
    }
    // After listening, an error must never go unheard (it would kill the process).
    server.on('error', async (err) => this.reportError(await explain(err)));
    this.server = server;
    const address = server.address();
    this.local = address && typeof address === 'object' ? formatEndpoint(address.address, address.port) : undefined;
    this.setState('listening');
    return ok(undefined);
  }

  private accept(accepted: Socket): void {
    // Errors before our own handlers are attached would otherwise crash the process.
    accepted.on('error', () => {});
    const ip = accepted.remoteAddress ?? '?';
    const limit =
      this.config.maxClients !== undefined && this.clients.size >= this.config.maxClients
        ? 'maxClients'
        : this.config.maxClientsPerIp !== undefined && (this.perIp.get(ip) ?? 0) >= this.config.maxClientsPerIp
          ? 'maxClientsPerIp'
          : undefined;
    if (limit) {
      this.refused++;
      this.owner.emit({
        type: 'connection.refused',
        sessionId: this.id,
        peer: formatEndpoint(ip, accepted.remotePort ?? 0),
        limit,
        ...nowStamp(),
      });
      accepted.destroy();
      return;
    }
    this.accepted++;
    const reader = new SocketReader();
    const socket = adoptAccepted(accepted, reader, this.config);
    socket.on('error', () => {});
    this.perIp.set(ip, (this.perIp.get(ip) ?? 0) + 1);
    const connection = new TcpConnection(this.owner.nextConnectionId(), socket, this, {
      allowHalfOpen: this.config.allowHalfOpen,
      reader,
      idleTimeoutMs: this.config.idleTimeoutMs,
      onClosed: (closed, reason, error) => {
        this.clients.delete(closed.id);
        const left = (this.perIp.get(ip) ?? 1) - 1;
        if (left > 0) this.perIp.set(ip, left);
        else this.perIp.delete(ip);
        this.emitClosed(closed.info(), reason, error);
      },
    });
    this.clients.set(connection.id, connection);
    this.owner.emit({ type: 'connection.opened', connection: connection.info(), ...nowStamp() });
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closing = [...this.clients.values()].map((client) => client.destroy('server-stopped'));
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.all(closing);
    if (this.state !== 'idle') this.setState('idle');
  }

  /** The clients a send (or a file send) to `target` goes to. */
  pick(target: SendTarget | undefined): Result<TcpConnection[]> {
    if (!target || target.to === 'all') return ok([...this.clients.values()]);
    if (target.to === 'connections') {
      const chosen: TcpConnection[] = [];
      const missing: string[] = [];
      for (const id of target.connectionIds) {
        const client = this.clients.get(id);
        if (client) chosen.push(client);
        else missing.push(id);
      }
      if (missing.length > 0) {
        return failWith('E_NOT_FOUND', 'no-such-clients', {
          ids: `${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ' …' : ''}`,
        });
      }
      return ok(chosen);
    }
    return failWith('E_VALIDATION', 'server-target');
  }

  async send(bytes: Uint8Array, target: SendTarget | undefined, options?: SendOptions): Promise<Result<SendResult>> {
    if (this.state !== 'listening') return failWith('E_STATE', 'server-not-running');
    const picked = this.pick(target);
    if (!picked.ok) return picked;
    if (picked.value.length === 0) {
      return failWith('E_NO_TARGET', 'no-client-connected');
    }
    return sendToEach(picked.value, bytes, options?.encoding);
  }

  closeConnections(ids: string[] | undefined, reset: boolean): Result<{ closed: number }> {
    const targets = ids
      ? ids.map((id) => this.clients.get(id)).filter((c): c is TcpConnection => !!c)
      : [...this.clients.values()];
    if (ids && targets.length === 0) return failWith('E_NOT_FOUND', 'none-of-clients');
    for (const client of targets) void client.close('kicked', reset);
    return ok({ closed: targets.length });
  }

  halfClose(connectionId: string | undefined): Result<{ connectionId: string }> {
    const client = connectionId ? this.clients.get(connectionId) : undefined;
    if (!client)
      return connectionId
        ? failWith('E_NOT_FOUND', 'no-such-client', { id: connectionId })
        : failWith('E_NOT_FOUND', 'choose-client-half-close');
    client.halfClose();
    return ok({ connectionId: client.id });
  }

  protected connectionMeters(): Meter[] {
    return [...this.clients.values()].map((client) => client.meter);
  }

  protected connectionById(connectionId: string): TcpConnection | undefined {
    return this.clients.get(connectionId);
  }

  protected tcpConnections(): TcpConnection[] {
    return [...this.clients.values()];
  }

  connections(): ConnectionInfo[] {
    return [...this.clients.values()].map((client) => client.info());
  }
}
