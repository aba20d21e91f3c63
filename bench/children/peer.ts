import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import iconv from 'iconv-lite';
import { cpuSince, notify, serve } from './ipc';

// The device side of a benchmark: plain Node sockets on 127.0.0.1 that write, send, connect or ping as
// fast as the benchmark asks, and report exactly what they sent.

function connected(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, noDelay: true });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** 64 KiB of printable text, the same every chunk: the server must never look at it on arrival anyway. */
function textChunk(size: number): Buffer {
  const line = Buffer.from('sensor=17 temp=21.5C rh=40% 温度正常 status=OK\r\n');
  const chunk = Buffer.alloc(size);
  for (let at = 0; at < size; at += line.length) line.copy(chunk, at, 0, Math.min(line.length, size - at));
  return chunk;
}

/** Lines of `lineBytes` bytes ("0000123 ....\n"): a chunk of whole lines for the framing benchmark. */
function lineChunk(size: number, lineBytes: number): Buffer {
  if (size % lineBytes !== 0) throw new Error(`a ${size}-byte chunk does not hold whole ${lineBytes}-byte lines`);
  const chunk = Buffer.alloc(size, 0x2e);
  for (let at = 0, n = 0; at < size; at += lineBytes, n++) {
    chunk.write(`${String(n).padStart(7, '0')} `, at, 'latin1');
    chunk[at + lineBytes - 1] = 0x0a;
  }
  return chunk;
}

/** A deterministic stream of pseudo-random numbers, so every run sends the same "random" text. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 0x1_0000_0000;
  };
}

/**
 * 4 MiB of what devices really send mixed together: short ASCII log lines, UTF-8 Chinese, tabs, ANSI
 * colour codes and other control bytes, CRLF and LF, the odd 2 KiB JSON line.
 */
function mixedText(bytes: number): Buffer {
  const random = lcg(42);
  const lines = [
    (n: number) => `[${n}] sensor=17 temp=21.${n % 10}C rh=40% status=OK\r\n`,
    (n: number) => `设备${n % 100}：温度正常，湿度 ${40 + (n % 20)}%，电压 3.${n % 10}V\n`,
    (n: number) => `\x1b[31mERROR\x1b[0m\tcode=${n % 255}\tretry\x07\n`,
    (n: number) => `{"id":${n},"values":[${Array.from({ length: 200 }, (_, i) => (i * n) % 997).join(',')}]}\n`,
    (n: number) => `AT+CSQ\r\n+CSQ: ${n % 32},99\r\nOK\r\n\x00`,
  ];
  const parts: Buffer[] = [];
  let total = 0;
  for (let n = 0; total < bytes; n++) {
    const pick = random();
    const line = Buffer.from(lines[pick < 0.4 ? 0 : pick < 0.7 ? 1 : pick < 0.85 ? 2 : pick < 0.9 ? 3 : 4]!(n), 'utf8');
    parts.push(line);
    total += line.length;
  }
  return Buffer.concat(parts).subarray(0, bytes);
}

const FILLER = Buffer.from(' temp=21.5C rh=40% volt=3.3V status=OK seq-check '.repeat(40));

/**
 * What a device might send as one datagram: a numbered line of ASCII text padded to exactly `size` bytes
 * (so byte counts stay exact even when some are lost), or a numbered GBK line (the re-decode benchmark).
 */
function datagramText(n: number, encoding: 'text' | 'gbk', size: number): Buffer {
  if (encoding === 'gbk') return iconv.encode(`设备${n % 1000} 温度=21.${n % 10}℃ #${n}`, 'gbk');
  const out = Buffer.alloc(size, 0x20);
  const head = `#${String(n).padStart(9, '0')}`;
  out.write(head, 0, 'latin1');
  FILLER.copy(out, head.length, 0, Math.max(0, size - head.length - 1));
  if (size > head.length) out[size - 1] = 0x0a;
  return out;
}

const held: Socket[] = [];

serve({
  /**
   * Writes mixed text at `bytesPerSecond` for `seconds`: every 10 ms tick writes what the rate allows by
   * then, in pieces of 64 B to 16 KiB as a device's writes come. If the server stops reading, writing waits
   * for 'drain' and the achieved rate shows it.
   */
  async tcpFlood(args: { port: number; bytesPerSecond: number; seconds: number; timeoutMs: number }) {
    const socket = await connected(args.port);
    const pool = mixedText(4 * 1024 * 1024);
    const random = lcg(7);
    const total = Math.round(args.bytesPerSecond * args.seconds);
    const cpuStart = process.cpuUsage();
    const started = performance.now();
    let written = 0;
    let at = 0;
    let waiting = false;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`wrote ${written} of ${total} bytes in ${args.timeoutMs} ms`)),
        args.timeoutMs,
      );
      socket.once('error', reject);
      const tick = () => {
        if (waiting) return;
        const due = Math.min(total, Math.floor(((performance.now() - started) * args.bytesPerSecond) / 1000));
        while (written < due) {
          const size = Math.min(due - written, 64 + Math.floor(random() * 16_320), pool.length - at);
          const piece = pool.subarray(at, at + size);
          at = at + size >= pool.length ? 0 : at + size;
          written += size;
          if (!socket.write(piece)) {
            waiting = true;
            socket.once('drain', () => {
              waiting = false;
              tick();
            });
            return;
          }
        }
        if (written >= total) {
          clearTimeout(timer);
          socket.end(() => resolve());
          return;
        }
        setTimeout(tick, 10);
      };
      tick();
    });
    return { bytes: written, ms: performance.now() - started, cpu: cpuSince(cpuStart) };
  },

  /**
   * Connects, writes `totalBytes` in `chunkBytes` writes (waiting for 'drain' like any well-behaved writer), then ends.
   */
  /** `messageBytes`: the text is lines of exactly that many bytes, each ending in "\n", aligned to the chunk. */
  async tcpWrite(args: {
    port: number;
    totalBytes: number;
    chunkBytes: number;
    timeoutMs: number;
    messageBytes?: number;
  }) {
    const socket = await connected(args.port);
    const chunk = args.messageBytes ? lineChunk(args.chunkBytes, args.messageBytes) : textChunk(args.chunkBytes);
    const cpuStart = process.cpuUsage();
    const started = performance.now();
    let written = 0;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`wrote ${written} of ${args.totalBytes} bytes in ${args.timeoutMs} ms`)),
        args.timeoutMs,
      );
      socket.once('error', reject);
      const pump = () => {
        while (written < args.totalBytes) {
          const size = Math.min(chunk.length, args.totalBytes - written);
          written += size;
          if (!socket.write(size === chunk.length ? chunk : chunk.subarray(0, size))) {
            socket.once('drain', pump);
            return;
          }
        }
        socket.end(() => {
          clearTimeout(timer);
          resolve();
        });
      };
      pump();
    });
    return { bytes: written, ms: performance.now() - started, cpu: cpuSince(cpuStart) };
  },

  /**
   * Sends `count` datagrams: `size` bytes numbered in their first 4 (fill), a numbered line of text of
   * exactly `size` bytes (text), or a short numbered GBK line (gbk). `perSecond` 0 sends as fast as this process can,
   * otherwise every millisecond tick sends what the rate allows by then. Numbers start at `firstNumber` (a top-up
   * continues a series).
   */
  async udpSend(args: {
    port: number;
    count: number;
    size: number;
    perSecond: number;
    timeoutMs: number;
    payload?: 'fill' | 'text' | 'gbk';
    firstNumber?: number;
  }) {
    const socket = createSocket('udp4');
    let errors = 0;
    socket.on('error', () => errors++);
    await new Promise<void>((resolve) => socket.connect(args.port, '127.0.0.1', resolve));
    const payload = Buffer.alloc(args.size, 0x61);
    const kind = args.payload ?? 'fill';
    const first = args.firstNumber ?? 0;
    let bytes = 0;
    const cpuStart = process.cpuUsage();
    const started = performance.now();
    let sent = 0;
    await new Promise<void>((resolve, reject) => {
      const deadline = started + args.timeoutMs;
      const step = () => {
        if (performance.now() > deadline) {
          reject(new Error(`sent ${sent} of ${args.count} datagrams in ${args.timeoutMs} ms`));
          return;
        }
        const due =
          args.perSecond > 0
            ? Math.min(args.count, Math.floor(((performance.now() - started) * args.perSecond) / 1000))
            : Math.min(args.count, sent + 256);
        for (; sent < due; sent++) {
          if (kind === 'fill') {
            payload.writeUInt32BE((first + sent) >>> 0, 0);
            socket.send(payload);
            bytes += payload.length;
          } else {
            const text = datagramText(first + sent, kind, args.size);
            socket.send(text);
            bytes += text.length;
          }
        }
        if (sent >= args.count) resolve();
        else if (args.perSecond > 0) setTimeout(step, 1);
        else setImmediate(step);
      };
      step();
    });
    const ms = performance.now() - started;
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    return { sent, bytes, errors, ms, cpu: cpuSince(cpuStart) };
  },

  /**
   * Opens `count` connections with at most `window` being set up at once, and keeps them open until
   * `release`. Notifies `connected` when every one is up (or failed).
   */
  connectMany(args: { port: number; count: number; window: number }) {
    let started = 0;
    let done = 0;
    let failed = 0;
    const begin = performance.now();
    const next = () => {
      while (started < args.count && started - done < args.window) {
        started++;
        const socket = connect({ host: '127.0.0.1', port: args.port });
        socket.once('connect', () => {
          held.push(socket);
          finish();
        });
        socket.once('error', () => {
          failed++;
          finish();
        });
      }
    };
    const finish = () => {
      done++;
      if (done === args.count) notify('connected', { ms: performance.now() - begin, connected: held.length, failed });
      else next();
    };
    next();
    return null;
  },
  /** Counts the held connections the server has closed on us; 0 unless the server refused some. */
  heldClosed: () => held.filter((socket) => socket.destroyed || socket.readableEnded).length,
  /**
   * Resets rather than closes: a closing side keeps each connection in TIME_WAIT for a minute, and
   * 10,000 per run soon use up the ephemeral ports, so later runs waited seconds for SYN retries (one
   * run took 4.5 s against 1.6 s) — whichever server happened to come later paid for it.
   */
  release() {
    for (const socket of held.splice(0)) socket.resetAndDestroy();
    return null;
  },

  /**
   * Round trips of `size` bytes to each server in turn, in blocks of `block`, so both see the same
   * machine conditions; returns every round trip in microseconds, the warm-up left out.
   */
  async echoRtt(args: {
    ports: number[];
    size: number;
    warmup: number;
    rounds: number;
    block: number;
    timeoutMs: number;
  }) {
    const sockets = await Promise.all(args.ports.map((port) => connected(port)));
    const message = textChunk(args.size);
    const samples: number[][] = args.ports.map(() => []);
    let mismatches = 0;
    const deadline = performance.now() + args.timeoutMs;
    let failure: Error | undefined;
    for (const socket of sockets) socket.on('error', (err) => (failure ??= err));
    const trip = (socket: Socket) =>
      new Promise<number>((resolve, reject) => {
        if (failure) return reject(failure);
        const parts: Buffer[] = [];
        let got = 0;
        const onData = (chunk: Buffer) => {
          parts.push(chunk);
          got += chunk.length;
          if (got < args.size) return;
          const rtt = performance.now() - start;
          socket.off('data', onData);
          socket.off('close', onClose);
          if (got !== args.size || !Buffer.concat(parts).equals(message)) mismatches++;
          resolve(rtt * 1000);
        };
        const onClose = () => reject(failure ?? new Error('the echo server closed the connection'));
        socket.on('data', onData);
        socket.once('close', onClose);
        const start = performance.now();
        socket.write(message);
      });
    for (let i = 0; i < sockets.length; i++) for (let k = 0; k < args.warmup; k++) await trip(sockets[i]!);
    for (let done = 0; done < args.rounds; done += args.block) {
      for (let i = 0; i < sockets.length; i++) {
        const n = Math.min(args.block, args.rounds - done);
        for (let k = 0; k < n; k++) samples[i]!.push(await trip(sockets[i]!));
      }
      if (performance.now() > deadline)
        throw new Error(`only ${done + args.block} of ${args.rounds} round trips within ${args.timeoutMs} ms`);
    }
    for (const socket of sockets) socket.destroy();
    return { samples, mismatches };
  },
});
