// The browser face: serves the built renderer and one WebSocket on loopback, so the real UI runs in any
// browser (headless Chromium in tests, a laptop's browser through an SSH tunnel). Plain Node only — it
// must never import `electron` or React. Every rule answers a threat in docs/security.md §3: DNS
// rebinding (Host allowlist) and cross-site WebSocket hijacking (Origin check + token) in guard.ts;
// floods (message size, pending commands, clients, unacknowledged batches, buffered bytes) here and in tab.ts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { MAX_CLIENT_MESSAGE_BYTES } from '../shared/contract/wire';
import type { Engine } from '../engine/engine';
import {
  checkListenAddress,
  Guard,
  hostHeaderFor,
  isWildcardHost,
  pathnameOf,
  pathOnly,
  RejectionLog,
  WS_PATH,
  type Refusal,
} from './guard';
import { rejectMalformed, rejectRequest, rejectUpgrade, respond, SECURITY_HEADERS } from './responses';
import { serveStatic } from './static-files';
import { ReplyLedger } from './reply-ledger';
import { Tab } from './tab';

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

export const DEFAULT_MAX_CLIENTS = 32;
export const DEFAULT_MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
/** A tab that ignores a close frame this long is cut off, so `close()` always ends. */
const CLOSE_GRACE_MS = 1000;

/** Resolves with the address once listening, or rejects with the error that prevented it (EADDRINUSE, …). */
function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host, port });
  });
}

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const { engine, allowRemote = false } = options;
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const maxClients = options.maxClients ?? DEFAULT_MAX_CLIENTS;
  const maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  const rendererDir = path.resolve(options.rendererDir);
  const { loopback } = checkListenAddress(host, allowRemote);

  const guard = new Guard();
  const rejections = new RejectionLog(log);
  const tabs = new Set<Tab>();
  const ledger = new ReplyLedger();
  let closing: Promise<void> | undefined;

  // Node would answer a missing Host itself, without the security headers; the guard answers it instead.
  const server = createServer({ requireHostHeader: false });
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_CLIENT_MESSAGE_BYTES,
    perMessageDeflate: false,
    clientTracking: false,
  });

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const badHost = guard.checkHost(req);
    if (badHost) return rejectRequest(res, badHost);
    if (req.method === 'OPTIONS') {
      // Answered for completeness, deliberately without any Access-Control-Allow-* header: no CORS, ever.
      res.writeHead(204, { ...SECURITY_HEADERS, Allow: 'GET, HEAD, OPTIONS', 'Cache-Control': 'no-store' });
      res.end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return respond(res, 405, 'Only GET and HEAD are served here.\n', { Allow: 'GET, HEAD, OPTIONS' });
    }
    if (pathnameOf(req.url) === WS_PATH) {
      if (!guard.hasValidToken(req.url)) return respond(res, 401, 'Unauthorized: the token is missing or wrong.\n');
      return respond(res, 426, 'This address is for the WebSocket only.\n', { Upgrade: 'websocket' });
    }
    await serveStatic(rendererDir, req, res);
  }

  function refuseUpgrade(req: IncomingMessage, socket: Duplex, refusal: Refusal): void {
    rejections.note(`Refused a WebSocket connection to ${pathOnly(req.url)}: ${refusal.why} (HTTP ${refusal.status}).`);
    rejectUpgrade(socket, refusal);
  }

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const refused = guard.checkUpgrade(req);
    if (refused) return refuseUpgrade(req, socket, refused);
    if (closing)
      return refuseUpgrade(req, socket, { status: 503, text: 'Sockpit is shutting down.', why: 'shutting down' });
    if (tabs.size >= maxClients) {
      return refuseUpgrade(req, socket, {
        status: 503,
        text: `Too many browser tabs are connected (at most ${maxClients}); close one and reload.`,
        why: 'too many tabs',
      });
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const tab = new Tab(ws, {
        engine,
        maxBufferedBytes,
        log,
        ledger,
        onClose: () => {
          tabs.delete(tab);
          // Sessions belong to the engine: a closed tab stops nothing, and a reloaded tab finds everything.
          log(`A browser tab disconnected (${tabs.size} open); its sessions keep running.`);
        },
      });
      tabs.add(tab);
      log(`A browser tab connected (${tabs.size} open).`);
    });
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handleRequest(req, res).catch((err: unknown) => {
      log(
        `Could not answer ${req.method ?? '?'} ${pathOnly(req.url)}: ${err instanceof Error ? err.message : String(err)}`,
      );
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
  server.on('clientError', rejectMalformed);
  server.on('connection', (socket: Socket) => socket.on('error', () => {}));

  const address = await listen(server, host, options.port ?? 0);
  server.on('error', (err) => log(`The bridge's server reported: ${err.message}`));
  const port = address.port;

  guard.admitAddress(address, loopback);

  // A wildcard listener is reachable on loopback too, and that is the address to hand out.
  const urlHost = host === 'localhost' ? 'localhost' : isWildcardHost(address.address) ? '127.0.0.1' : address.address;
  const url = `http://${hostHeaderFor(urlHost, port)}/#token=${guard.token}`;

  log(`The bridge is listening on ${hostHeaderFor(address.address, port)}.`);
  if (!loopback) {
    log(
      `Warning: the bridge listens on ${address.address}, so other computers on the network can reach it. They still need the token; share the link only with people you trust, and prefer an SSH tunnel.`,
    );
  }

  function close(): Promise<void> {
    closing ??= (async () => {
      const open = [...tabs];
      for (const tab of open) tab.close(1001, 'Sockpit is shutting down.');
      await Promise.race([
        Promise.all(open.map((tab) => tab.closed())),
        new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref()),
      ]);
      for (const tab of tabs) tab.terminate();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      wss.close();
    })();
    return closing;
  }

  return { url, address: address.address, port, token: guard.token, close };
}
