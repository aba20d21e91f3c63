// Every answer the bridge writes, the refusals included, carries the same security headers and is never
// cached: one place writes them, so no path can forget them.
import { STATUS_CODES, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { CSP } from '../shared/csp';

export const SECURITY_HEADERS: OutgoingHttpHeaders = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** A refused request: its status and the one sentence that says why. */
export type Rejection = { status: number; text: string };

export function respond(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  headers: OutgoingHttpHeaders = {},
): void {
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

export function rejectRequest(res: ServerResponse, rejection: Rejection): void {
  // A refused client gets nothing more from this connection.
  respond(res, rejection.status, `${rejection.text}\n`, { Connection: 'close' });
}

/** An upgrade request has no ServerResponse: the refusal is written to the socket by hand, before any 101. */
export function rejectUpgrade(socket: Duplex, rejection: Rejection): void {
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

/** Malformed requests never reach 'request'; they are answered plainly here instead of throwing. */
export function rejectMalformed(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
  const headers = Object.entries(SECURITY_HEADERS)
    .map(([name, value]) => `${name}: ${String(value)}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${status}\r\n${headers}Cache-Control: no-store\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
  );
}
