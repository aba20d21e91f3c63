// The browser face: serves the built renderer and one WebSocket on loopback, so the real UI runs in any
// browser (headless Chromium in tests, a laptop's browser through an SSH tunnel). Plain Node only — it
// must never import `electron` or React. Every rule here answers a threat in docs/security.md §3:
// DNS rebinding (Host allowlist), cross-site WebSocket hijacking (Origin check + token), floods
// (message size, pending commands, clients, unacknowledged batches, buffered bytes).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, STATUS_CODES, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { formatIssues } from '../shared/contract';
import { CSP } from '../shared/csp';
import { AckMessage, CommandMessage, fromWireText, MAX_CLIENT_MESSAGE_BYTES, MAX_PENDING_COMMANDS, toWireText } from '../shared/contract/wire';
import type { Result } from '../shared/result';
import type { Engine } from '../engine/engine';
import { EventStream } from '../stream/event-stream';

export interface BridgeOptions {
  engine: Engine;
  /** The built UI (`out/renderer`); its index.html may appear later, after a build. */
  rendererDir: string;
  /** Address to listen on; anything but loopback needs `allowRemote`. */
  host?: string;
  /** 0 lets the system choose a free port. */
  port?: number;
  /** Permit a non-loopback address; the token is still required. */
  allowRemote?: boolean;
  /** Receives one line per notable event; never the token. Defaults to stderr. */
  log?: (line: string) => void;
  /** Browser tabs connected at once; more are refused with 503. */
  maxClients?: number;
  /**
   * A tab whose unsent data passes this is disconnected with close code 1013. Batches cannot get there
   * (at most MAX_UNACKED_BATCHES of them are unacknowledged); replies can, from a tab that keeps asking for
   * large captures and never reads the answers.
   */
  maxBufferedBytes?: number;
}

export interface Bridge {
  /** `http://127.0.0.1:PORT/#token=TOKEN`: the one place the token is ever shown. */
  url: string;
  /** The address the server really listens on, as the OS reports it. */
  address: string;
  port: number;
  token: string;
  /** Closes every tab's WebSocket and the HTTP server; sessions are the engine's and keep running. */
  close(): Promise<void>;
}

export const WS_PATH = '/ws';
export const DEFAULT_MAX_CLIENTS = 32;
export const DEFAULT_MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
/** 128 bits of randomness are 22 base64url characters; 32 bytes leave a wide margin. */
const TOKEN_BYTES = 32;
/** A tab that ignores a close frame this long is cut off, so `close()` always ends. */
const CLOSE_GRACE_MS = 1000;

const SECURITY_HEADERS: OutgoingHttpHeaders = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

const NOT_BUILT =
  'The Sockpit user interface has not been built yet: run "npm run build" in the Sockpit folder, then reload this page.';

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}

/** "host:port" as it appears in a Host header, IPv6 in brackets. */
function hostHeaderFor(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Path and nothing else: query strings may carry the token and must never reach a log. */
function pathOnly(rawUrl: string | undefined): string {
  const url = rawUrl ?? '';
  const cut = url.search(/[?#]/);
  const bare = cut < 0 ? url : url.slice(0, cut);
  // Logs are read by people in terminals: no control characters, no walls of junk.
  const printable = bare.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > 80 ? `${printable.slice(0, 80)}…` : printable;
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

type Rejection = { status: number; text: string };

/** Never more than one line per second about refused requests, so a flood cannot flood the terminal too. */
class RejectionLog {
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

type Reply = { type: 'reply'; id: number; result: Result<unknown> };

interface ClientState {
  ws: WebSocket;
  stream: EventStream;
  pending: number;
}

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const { engine, rendererDir: rendererDirOption, allowRemote = false } = options;
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const maxClients = options.maxClients ?? DEFAULT_MAX_CLIENTS;
  const maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  const rendererDir = path.resolve(rendererDirOption);

  if (host !== 'localhost' && isIP(host) === 0) {
    throw new Error(`"${host}" is not an address the bridge can listen on: give an IP address such as 127.0.0.1 or ::1.`);
  }
  const loopback = isLoopbackHost(host);
  if (!loopback && !allowRemote) {
    throw new Error(
      `The bridge listens only on this computer (127.0.0.1) unless you also pass --allow-remote; ${host} would let other computers reach it.`,
    );
  }

  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  const rejections = new RejectionLog(log);
  const clients = new Set<ClientState>();
  let closing: Promise<void> | undefined;
  // Filled in once the port is known; requests cannot arrive before that.
  const allowedHosts = new Set<string>();
  const allowedOrigins = new Set<string>();

  // Node would answer a missing Host itself, without the security headers; checkHost answers it instead.
  const server = createServer({ requireHostHeader: false });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES, perMessageDeflate: false, clientTracking: false });

  /** The Host allowlist (DNS rebinding): exactly one Host header, naming this bridge by a loopback name. */
  function checkHost(req: IncomingMessage): Rejection | undefined {
    const count = headerCount(req, 'host');
    if (count === 0) return { status: 400, text: 'Bad request: the Host header is missing.' };
    if (count > 1) return { status: 400, text: 'Bad request: more than one Host header.' };
    const value = (req.headers.host ?? '').toLowerCase();
    if (!allowedHosts.has(value)) return { status: 403, text: 'Forbidden: this bridge answers only to its own address.' };
    return undefined;
  }

  function respond(res: ServerResponse, status: number, body: string | Buffer, headers: OutgoingHttpHeaders = {}): void {
    const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    res.writeHead(status, {
      ...SECURITY_HEADERS,
      'Cache-Control': 'no-store',
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': payload.length,
      ...headers,
    });
    res.end(payload);
  }

  function rejectRequest(res: ServerResponse, rejection: Rejection): void {
    // A refused client gets nothing more from this connection.
    respond(res, rejection.status, `${rejection.text}\n`, { Connection: 'close' });
  }

  /** An upgrade request has no ServerResponse: the refusal is written to the socket by hand, before any 101. */
  function rejectUpgrade(socket: Duplex, rejection: Rejection): void {
    const body = Buffer.from(`${rejection.text}\n`, 'utf8');
    const lines = [
      `HTTP/1.1 ${rejection.status} ${STATUS_CODES[rejection.status] ?? 'Error'}`,
      'Connection: close',
      'Content-Type: text/plain; charset=utf-8',
      `Content-Length: ${body.length}`,
      'Cache-Control: no-store',
      ...Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${String(value)}`),
    ];
    if (socket.writable) socket.end(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]));
    else socket.destroy();
  }

  async function serveStatic(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawPath = (req.url ?? '').split(/[?#]/, 1)[0]!;
    // Only origin-form targets ("/x"): an absolute URL or "*" has no business here.
    if (!rawPath.startsWith('/')) return rejectRequest(res, { status: 400, text: 'Bad request: the path must start with "/".' });
    let decoded: string;
    try {
      decoded = decodeURIComponent(rawPath);
    } catch {
      return rejectRequest(res, { status: 400, text: 'Bad request: the path is not valid percent-encoding.' });
    }
    if (decoded.includes('\0')) return rejectRequest(res, { status: 400, text: 'Bad request: the path contains a NUL character.' });

    const indexFile = path.join(rendererDir, 'index.html');
    const built = await stat(indexFile).then((s) => s.isFile(), () => false);
    if (!built) return respond(res, 503, `${NOT_BUILT}\n`);

    const wanted = decoded === '/' ? '/index.html' : decoded;
    // Resolve, then make sure the result is still inside the renderer folder (no "..", no absolute jump).
    const target = path.resolve(rendererDir, `.${wanted}`);
    const relative = path.relative(rendererDir, target);
    if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
      return rejectRequest(res, { status: 403, text: 'Forbidden: that path is outside the user interface.' });
    }
    const file = await stat(target).then((s) => (s.isFile() ? s : undefined), () => undefined);
    if (!file) return respond(res, 404, 'Not found.\n');
    const body = await readFile(target);
    const type = CONTENT_TYPES[path.extname(target).toLowerCase()] ?? 'application/octet-stream';
    respond(res, 200, body, { 'Content-Type': type });
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

  function hasValidToken(rawUrl: string | undefined): boolean {
    const given = tokenFrom(rawUrl);
    return given.length === 1 && sameSecret(given[0]!, token);
  }

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const badHost = checkHost(req);
    if (badHost) return rejectRequest(res, badHost);
    const pathname = (req.url ?? '').split(/[?#]/, 1)[0]!;
    if (req.method === 'OPTIONS') {
      // Answered for completeness, deliberately without any Access-Control-Allow-* header: no CORS, ever.
      res.writeHead(204, { ...SECURITY_HEADERS, Allow: 'GET, HEAD, OPTIONS', 'Cache-Control': 'no-store' });
      res.end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return respond(res, 405, 'Only GET and HEAD are served here.\n', { Allow: 'GET, HEAD, OPTIONS' });
    }
    if (pathname === WS_PATH) {
      if (!hasValidToken(req.url)) return respond(res, 401, 'Unauthorized: the token is missing or wrong.\n');
      return respond(res, 426, 'This address is for the WebSocket only.\n', { Upgrade: 'websocket' });
    }
    await serveStatic(req, res);
  }

  function refuseUpgrade(req: IncomingMessage, socket: Duplex, rejection: Rejection, why: string): void {
    rejections.note(`Refused a WebSocket connection to ${pathOnly(req.url)}: ${why} (HTTP ${rejection.status}).`);
    rejectUpgrade(socket, rejection);
  }

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const badHost = checkHost(req);
    if (badHost) return refuseUpgrade(req, socket, badHost, 'wrong Host header');
    const pathname = (req.url ?? '').split(/[?#]/, 1)[0]!;
    if (pathname !== WS_PATH) return refuseUpgrade(req, socket, { status: 404, text: 'Not found.' }, 'no WebSocket there');
    if (!hasValidToken(req.url)) {
      return refuseUpgrade(req, socket, { status: 401, text: 'Unauthorized: the token is missing or wrong.' }, 'missing or wrong token');
    }
    // A browser always sends Origin; only non-browser clients (which have the token) may omit it.
    const originCount = headerCount(req, 'origin');
    const origin = (req.headers.origin ?? '').toLowerCase();
    if (originCount > 1 || (originCount === 1 && !allowedOrigins.has(origin))) {
      return refuseUpgrade(req, socket, { status: 403, text: 'Forbidden: pages from other sites may not connect.' }, 'foreign Origin');
    }
    if (closing) return refuseUpgrade(req, socket, { status: 503, text: 'Sockpit is shutting down.' }, 'shutting down');
    if (clients.size >= maxClients) {
      return refuseUpgrade(req, socket, { status: 503, text: `Too many browser tabs are connected (at most ${maxClients}); close one and reload.` }, 'too many tabs');
    }
    wss.handleUpgrade(req, socket, head, (ws) => attachClient(ws));
  }

  function send(client: ClientState, message: Reply): void {
    const { ws } = client;
    if (ws.readyState !== WebSocket.OPEN) return;
    let text: string;
    try {
      text = toWireText(message);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      text = toWireText({ type: 'reply', id: message.id, result: { ok: false, error: { code: 'E_INTERNAL', message: `The answer could not be encoded: ${why}` } } });
    }
    ws.send(text);
    // Batches are held back by the acknowledgements, replies are not: MAX_PENDING_COMMANDS bounds the commands
    // waiting for the engine, not the answers waiting for a tab that never reads them. This is the bound.
    if (ws.bufferedAmount > maxBufferedBytes) {
      log('Disconnected a browser tab that fell too far behind the data; reloading it resumes.');
      ws.close(1013, 'This tab fell too far behind the data; reload to resume.');
    }
  }

  /** One batch as one binary frame; the stream sends no more than MAX_UNACKED_BATCHES unacknowledged ones. */
  function sendBatch(client: ClientState, bytes: Uint8Array): void {
    if (client.ws.readyState !== WebSocket.OPEN) return;
    client.ws.send(bytes, { binary: true });
  }

  function replyError(client: ClientState, id: number, code: string, message: string): void {
    send(client, { type: 'reply', id, result: { ok: false, error: { code, message } } });
  }

  function idOf(raw: unknown): number {
    if (raw === null || typeof raw !== 'object') return -1;
    const id = (raw as Record<string, unknown>).id;
    return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : -1;
  }

  function onMessage(client: ClientState, data: RawData, isBinary: boolean): void {
    if (isBinary) {
      replyError(client, -1, 'E_VALIDATION', 'Messages must be JSON text, not binary.');
      return;
    }
    const text = (Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8');
    let raw: unknown;
    try {
      raw = fromWireText(text);
    } catch {
      replyError(client, -1, 'E_VALIDATION', 'The message is not valid JSON.');
      return;
    }
    const isObject = raw !== null && typeof raw === 'object' && !Array.isArray(raw);
    if (isObject && (raw as Record<string, unknown>).type === 'ack') {
      const ack = AckMessage.safeParse(raw);
      if (!ack.success) {
        replyError(client, -1, 'E_VALIDATION', `The message is not an acknowledgement: ${formatIssues(ack.error)}`);
        return;
      }
      client.stream.ack(ack.data.batchId);
      return;
    }
    // JSON has no undefined, so `execute(undefined)` arrives with no command at all; the router, not the
    // envelope, must judge it, or the same bad command would get other words here than over IPC.
    const withoutCommand = isObject && !Object.hasOwn(raw as object, 'command');
    const envelope = CommandMessage.safeParse(withoutCommand ? { ...(raw as Record<string, unknown>), command: undefined } : raw);
    if (!envelope.success) {
      replyError(client, idOf(raw), 'E_VALIDATION', `The message is not a command envelope: ${formatIssues(envelope.error)}`);
      return;
    }
    const { id, command } = envelope.data;
    if (client.pending >= MAX_PENDING_COMMANDS) {
      replyError(client, id, 'E_TOO_MANY', `Too many commands are waiting for an answer (at most ${MAX_PENDING_COMMANDS}); wait for replies before sending more.`);
      return;
    }
    client.pending++;
    engine
      .execute(command)
      .catch((err: unknown): Result<unknown> => ({
        ok: false,
        error: { code: 'E_INTERNAL', message: `Sockpit hit an internal error: ${err instanceof Error ? err.message : String(err)}` },
      }))
      .then((result) => {
        client.pending--;
        send(client, { type: 'reply', id, result });
      });
  }

  function attachClient(ws: WebSocket): void {
    // The stream's callback needs the client and the client holds the stream; the callback runs later.
    let client: ClientState;
    const stream = new EventStream(engine, (bytes) => sendBatch(client, bytes));
    client = { ws, pending: 0, stream };
    clients.add(client);
    log(`A browser tab connected (${clients.size} open).`);
    ws.on('message', (data, isBinary) => {
      try {
        onMessage(client, data, isBinary);
      } catch (err) {
        log(`A message from a browser tab could not be handled: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    // ws reports protocol violations (oversized or malformed frames) here, then closes with the right code.
    ws.on('error', () => {});
    ws.on('close', () => {
      client.stream.close();
      clients.delete(client);
      // Sessions belong to the engine: a closed tab stops nothing, and a reloaded tab finds everything.
      log(`A browser tab disconnected (${clients.size} open); its sessions keep running.`);
    });
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handleRequest(req, res).catch((err: unknown) => {
      log(`Could not answer ${req.method ?? '?'} ${pathOnly(req.url)}: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) respond(res, 500, 'Internal error.\n', { Connection: 'close' });
      else res.destroy();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    try {
      handleUpgrade(req, socket, head);
    } catch (err) {
      log(`Could not handle a WebSocket request: ${err instanceof Error ? err.message : String(err)}`);
      socket.destroy();
    }
  });
  // Malformed requests never reach 'request'; answer them plainly instead of letting them throw.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    const headers = Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${String(value)}\r\n`).join('');
    socket.end(`HTTP/1.1 ${status}\r\n${headers}Cache-Control: no-store\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
  server.on('connection', (socket: Socket) => socket.on('error', () => {}));

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host, port: options.port ?? 0 });
  });
  server.on('error', (err) => log(`The bridge's server reported: ${err.message}`));

  const address = server.address() as AddressInfo;
  const port = address.port;

  const names = ['127.0.0.1', 'localhost', '::1'];
  if (isIP(address.address) !== 0 && !isWildcardHost(address.address)) names.push(address.address);
  if (!loopback && isWildcardHost(address.address)) {
    // Listening everywhere: other computers reach it by this machine's addresses, always IP literals.
    for (const entries of Object.values(networkInterfaces())) {
      for (const entry of entries ?? []) if (!entry.internal && !entry.address.includes('%')) names.push(entry.address);
    }
  }
  for (const name of names) {
    const hostHeader = hostHeaderFor(name.toLowerCase(), port);
    allowedHosts.add(hostHeader);
    allowedOrigins.add(`http://${hostHeader}`);
    // Browsers leave out the default port.
    if (port === 80) {
      const bare = name.includes(':') ? `[${name}]` : name;
      allowedHosts.add(bare);
      allowedOrigins.add(`http://${bare}`);
    }
  }

  // A wildcard listener is reachable on loopback too, and that is the address to hand out.
  const urlHost = host === 'localhost' ? 'localhost' : isWildcardHost(address.address) ? '127.0.0.1' : address.address;
  const url = `http://${hostHeaderFor(urlHost, port)}/#token=${token}`;

  log(`The bridge is listening on ${hostHeaderFor(address.address, port)}.`);
  if (!loopback) {
    log(
      `Warning: the bridge listens on ${address.address}, so other computers on the network can reach it. They still need the token; share the link only with people you trust, and prefer an SSH tunnel.`,
    );
  }

  function close(): Promise<void> {
    closing ??= (async () => {
      const open = [...clients];
      for (const client of open) client.ws.close(1001, 'Sockpit is shutting down.');
      await Promise.race([
        Promise.all(open.map((client) => (client.ws.readyState === WebSocket.CLOSED ? undefined : new Promise((resolve) => client.ws.once('close', resolve))))),
        new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref()),
      ]);
      for (const client of clients) client.ws.terminate();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      wss.close();
    })();
    return closing;
  }

  return { url, address: address.address, port, token, close };
}
