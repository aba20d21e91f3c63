import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import type { EngineEvent } from '../../shared/contract';
import { fromWireText, toWireText, type ReplyMessage } from '../../shared/contract/wire';
import { BatchReceiver } from '../stream/helpers';
import { startBridge, type Bridge, type BridgeOptions } from '../../bridge/server';
import { Engine } from '../../engine/engine';
import { Waiters } from '../helpers/waiters';

/** Text only the UI's index.html holds: a refused request must never carry it. */
export const UI_MARKER = 'SOCKPIT-TEST-UI-7f3a';
/** Text only a file outside the UI folder holds: traversal must never reach it. */
export const SECRET_MARKER = 'OUTSIDE-THE-UI-c91e';

export interface RendererFixture {
  root: string;
  rendererDir: string;
  cleanup(): void;
}

/** A tiny built UI in a temp folder, with a secret file next to (not inside) it. */
export function makeRendererDir(options: { withIndex?: boolean } = {}): RendererFixture {
  const root = mkdtempSync(path.join(tmpdir(), 'sockpit-bridge-'));
  const rendererDir = path.join(root, 'renderer');
  mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  if (options.withIndex !== false) {
    writeFileSync(
      path.join(rendererDir, 'index.html'),
      `<!doctype html><title>Sockpit</title><script type="module" src="/assets/app.js"></script><p>${UI_MARKER}</p>\n`,
    );
  }
  writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log("app");\n');
  writeFileSync(path.join(rendererDir, 'assets', 'style.css'), 'body { margin: 0 }\n');
  writeFileSync(path.join(rendererDir, 'assets', 'icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>\n');
  writeFileSync(path.join(rendererDir, 'assets', 'logo.png'), Buffer.from('89504e470d0a1a0a', 'hex'));
  writeFileSync(path.join(rendererDir, 'assets', 'font.woff2'), Buffer.from('774f4632', 'hex'));
  writeFileSync(path.join(rendererDir, 'assets', 'data.json'), '{"a":1}\n');
  writeFileSync(path.join(rendererDir, 'favicon.ico'), Buffer.from([0, 0, 1, 0]));
  writeFileSync(path.join(root, 'secret.txt'), `${SECRET_MARKER}\n`);
  return { root, rendererDir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export interface TestBridge {
  bridge: Bridge;
  engine: Engine;
  port: number;
  token: string;
  logs: string[];
  fixture: RendererFixture;
  /** The bridge's own origin, as a browser on its page would send it. */
  origin: string;
  close(): Promise<void>;
}

export async function startTestBridge(options: Partial<BridgeOptions> = {}): Promise<TestBridge> {
  const fixture = makeRendererDir();
  const engine = options.engine ?? new Engine({ statsIntervalMs: 0 });
  const logs: string[] = [];
  const bridge = await startBridge({
    rendererDir: fixture.rendererDir,
    log: (line) => logs.push(line),
    ...options,
    engine,
  });
  return {
    bridge,
    engine,
    port: bridge.port,
    token: bridge.token,
    logs,
    fixture,
    origin: `http://127.0.0.1:${bridge.port}`,
    async close() {
      await bridge.close();
      await engine.shutdown();
      fixture.cleanup();
    },
  };
}

export interface RawResponse {
  /** 0 when the server closed without answering. */
  status: number;
  head: string;
  body: string;
}

/**
 * Writes exactly these bytes to the port and reads one response: the only way to send a duplicated,
 * missing or junk Host header, which HTTP client libraries refuse to produce.
 */
export function rawRequest(port: number, bytes: string | Buffer, timeoutMs = 5000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = received.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const head = end < 0 ? text : text.slice(0, end);
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
      resolve({ status, head, body: end < 0 ? '' : text.slice(end + 4) });
    };
    const timer = setTimeout(() => {
      socket.destroy();
      if (!settled)
        reject(
          new Error(`no complete response within ${timeoutMs} ms; got: ${received.toString('latin1').slice(0, 300)}`),
        );
      settled = true;
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const text = received.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = text.slice(0, end);
      // A 101 has no body and keeps the socket open; anything else says how long its body is.
      if (/^HTTP\/1\.1 101/.test(head)) return finish();
      const length = /\r\ncontent-length: *(\d+)/i.exec(head);
      if (length && received.length - Buffer.byteLength(text.slice(0, end + 4), 'latin1') >= Number(length[1]))
        finish();
    });
    socket.on('close', finish);
    socket.on('error', () => finish());
    socket.write(bytes);
  });
}

/** A WebSocket handshake request with full control over Host, Origin and the query. */
export function upgradeRequest(options: {
  host?: string | null;
  path: string;
  origin?: string | string[];
  extra?: string[];
}): string {
  const lines = [`GET ${options.path} HTTP/1.1`];
  if (options.host !== null && options.host !== undefined) lines.push(`Host: ${options.host}`);
  lines.push(
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
  );
  for (const origin of [options.origin ?? []].flat()) lines.push(`Origin: ${origin}`);
  lines.push(...(options.extra ?? []));
  return `${lines.join('\r\n')}\r\n\r\n`;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** An ordinary request, as a browser on the bridge's own address would make it. */
export function httpGet(
  port: number,
  pathname: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: pathname,
        method: options.method ?? 'GET',
        headers: options.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(5000, () => req.destroy(new Error(`GET ${pathname} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

type Reply = Extract<ReplyMessage, { type: 'reply' }>;

/** One browser tab's link: sends commands, matches replies by id, decodes and acknowledges every batch. */
export class TabClient {
  /** Binary batches, decoded; acknowledged as they arrive unless `batches.autoAck` is turned off. */
  readonly batches: BatchReceiver;
  readonly replies = new Map<number, Reply>();
  private nextId = 1;
  private readonly waiters = new Waiters();
  closeCode: number | undefined;
  closeReason = '';

  constructor(readonly ws: WebSocket) {
    this.batches = new BatchReceiver((batchId) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'ack', batchId }));
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) {
        this.batches.receive(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      } else {
        const message = fromWireText(data.toString('utf8')) as ReplyMessage;
        this.replies.set(message.id, message);
      }
      this.waiters.wake();
    });
    ws.on('close', (code, reason) => {
      this.closeCode = code;
      this.closeReason = reason.toString('utf8');
      this.waiters.wake();
    });
  }

  /** Every engine event the batches carried, in order. */
  get events(): EngineEvent[] {
    return this.batches.events;
  }

  static open(port: number, token: string | undefined, options: { origin?: string } = {}): Promise<TabClient> {
    const query = token === undefined ? '' : `?token=${encodeURIComponent(token)}`;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws${query}`, {
      headers: options.origin ? { Origin: options.origin } : {},
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new TabClient(ws)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused with HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  /** Resolves when `check` returns something other than undefined; rejects after `timeoutMs`. */
  until<T>(check: () => T | undefined, timeoutMs = 5000, what = 'a message'): Promise<T> {
    return this.waiters.until(check, timeoutMs, what);
  }

  sendRaw(text: string): void {
    this.ws.send(text);
  }

  /** Sends one command envelope and returns its id without waiting. */
  post(command: unknown): number {
    const id = this.nextId++;
    this.ws.send(toWireText({ type: 'command', id, command }));
    return id;
  }

  reply(id: number, timeoutMs = 5000): Promise<Reply> {
    return this.until(() => this.replies.get(id), timeoutMs, `the reply to command ${id}`);
  }

  async command(command: unknown): Promise<Reply['result']> {
    return (await this.reply(this.post(command))).result;
  }

  /** The value of a command that must succeed. */
  async ok<T = unknown>(command: unknown): Promise<T> {
    const result = await this.command(command);
    if (!result.ok) throw new Error(`command failed: ${JSON.stringify(result.error)}`);
    return result.value as T;
  }

  closed(timeoutMs = 5000): Promise<number> {
    return this.until(() => this.closeCode, timeoutMs, 'the WebSocket to close');
  }

  close(): Promise<number> {
    if (this.closeCode === undefined) this.ws.close(1000);
    return this.closed();
  }
}

/** Whether a response head grants any cross-origin access (the bridge must never do so). */
export function hasAcao(headText: string): boolean {
  return /^access-control-allow-/im.test(headText);
}
