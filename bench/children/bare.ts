import { createSocket } from 'node:dgram';
import { createServer, type Socket } from 'node:net';
import { cpuSince, notify, rssBytes, serve } from './ipc';

// The reference side of a benchmark: plain Node doing the least the job needs — count bytes or
// datagrams, hold connections, echo — so Sockpit's figures are read against what Node itself can do on
// this machine in the same run.

type Mode = 'tcp-count' | 'tcp-hold' | 'tcp-echo' | 'udp-count';

let bytes = 0;
let datagrams = 0;
let firstDatagramMs = 0;
let lastDatagramMs = 0;
let opened = 0;
let expectOpened = 0;
let closed = 0;
let expectClosed = 0;
let firstOpenedMs = 0;
let cpuStart = process.cpuUsage();
const sockets = new Set<Socket>();

function reset(args: { opened?: number; closed?: number }): void {
  bytes = 0;
  datagrams = 0;
  firstDatagramMs = 0;
  lastDatagramMs = 0;
  opened = 0;
  closed = 0;
  expectOpened = args.opened ?? 0;
  expectClosed = args.closed ?? 0;
  cpuStart = process.cpuUsage();
}

function onConnection(mode: Mode, socket: Socket): void {
  socket.on('error', () => {});
  sockets.add(socket);
  if (++opened === 1) firstOpenedMs = performance.now();
  if (opened === expectOpened)
    notify('accepted', { ms: performance.now() - firstOpenedMs, rssBytes: rssBytes(), cpu: cpuSince(cpuStart) });
  socket.on('close', () => {
    sockets.delete(socket);
    if (++closed === expectClosed) notify('closed', { ms: performance.now() - firstOpenedMs, cpu: cpuSince(cpuStart) });
  });
  if (mode === 'tcp-count') socket.on('data', (chunk) => (bytes += chunk.byteLength));
  else if (mode === 'tcp-echo') socket.on('data', (chunk) => socket.write(chunk));
}

serve({
  async listen(args: { mode: Mode; recvBufferBytes?: number }) {
    const { mode } = args;
    if (mode === 'udp-count') {
      const socket = createSocket({
        type: 'udp4',
        ...(args.recvBufferBytes ? { recvBufferSize: args.recvBufferBytes } : {}),
      });
      socket.on('message', () => {
        if (datagrams++ === 0) firstDatagramMs = performance.now();
      });
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
      // Reading the clock for every datagram would slow the reference down; a 1 ms tick that notes when
      // the count last moved finds the last datagram to within a millisecond or so.
      let lastCount = 0;
      setInterval(() => {
        if (datagrams !== lastCount) {
          lastCount = datagrams;
          lastDatagramMs = performance.now();
        }
      }, 1);
      return { port: socket.address().port, recvBufferBytes: socket.getRecvBufferSize() };
    }
    const created = createServer({ noDelay: true }, (socket) => onConnection(mode, socket));
    // The same listen backlog as Sockpit's TCP server, so accept times compare the servers, not Node's
    // default backlog of 511 overflowing into SYN retries under a burst.
    await new Promise<void>((resolve) => created.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve));
    const address = created.address();
    return { port: typeof address === 'object' && address ? address.port : 0 };
  },
  watch(args: { opened?: number; closed?: number }) {
    reset(args);
    return { rssBytes: rssBytes() };
  },
  stats() {
    const usage = process.resourceUsage();
    return {
      bytes,
      datagrams,
      firstDatagramMs,
      lastDatagramMs,
      nowMs: performance.now(),
      opened,
      open: sockets.size,
      rssBytes: rssBytes(),
      maxRssBytes: usage.maxRSS * 1024,
      /** Since the last `watch`. */
      cpu: cpuSince(cpuStart),
    };
  },
});
