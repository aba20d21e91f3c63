import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { Engine } from '../../engine/engine';
import type { EngineEvent } from '../../shared/contract';
import { cpuSince, notify, rssBytes, serve } from './ipc';

// The file benchmark's processes: a receiver that hashes every byte it gets, and a sender that is either
// bare Node (`fs.createReadStream(path).pipe(socket)`) or the Sockpit engine (a TCP client session and
// `file.send.start`), each in a process of its own so neither shares an event loop with the receiver.

let server: Server | undefined;

/** Listen on 127.0.0.1; for each connection, hash what arrives and report once it closes. */
function listen(): Promise<{ port: number }> {
  server = createServer((socket) => {
    const started = performance.now();
    const cpuStart = process.cpuUsage();
    const hash = createHash('sha256');
    let bytes = 0;
    socket.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.byteLength;
    });
    socket.on('error', () => {});
    socket.on('close', () =>
      notify('received', {
        bytes,
        sha256: hash.digest('hex'),
        ms: performance.now() - started,
        cpu: cpuSince(cpuStart),
      }),
    );
  });
  return new Promise((resolve) =>
    server!.listen(0, '127.0.0.1', () => resolve({ port: (server!.address() as { port: number }).port })),
  );
}

function sendBare(args: {
  port: number;
  path: string;
}): Promise<{ rssBytes: number; cpu: ReturnType<typeof cpuSince> }> {
  const cpuStart = process.cpuUsage();
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port: args.port }, () => {
      createReadStream(args.path).pipe(socket);
    });
    socket.on('error', reject);
    socket.on('close', () => resolve({ rssBytes: rssBytes(), cpu: cpuSince(cpuStart) }));
  });
}

async function sendSockpit(args: {
  port: number;
  path: string;
}): Promise<{ rssBytes: number; cpu: ReturnType<typeof cpuSince>; state: string; sentBytes: number }> {
  const cpuStart = process.cpuUsage();
  const engine = new Engine({ statsIntervalMs: 0 });
  let maxRss = rssBytes();
  const ended = new Promise<Extract<EngineEvent, { type: 'file.send.ended' }>>((resolve) =>
    engine.subscribe((event) => {
      if (event.type === 'file.send.progress') maxRss = Math.max(maxRss, rssBytes());
      if (event.type === 'file.send.ended') resolve(event);
    }),
  );
  try {
    const created = await engine.run({
      type: 'session.create',
      config: { kind: 'tcp-client', host: '127.0.0.1', port: args.port },
    });
    if (!created.ok) throw new Error(created.error.message);
    const sessionId = created.value.sessionId;
    const started = await engine.run({ type: 'session.start', sessionId });
    if (!started.ok) throw new Error(started.error.message);
    const job = await engine.run({ type: 'file.send.start', sessionId, source: { kind: 'path', path: args.path } });
    if (!job.ok) throw new Error(job.error.message);
    const { job: end } = await ended;
    // Stopping the session sends FIN, which is how the receiver knows it has everything.
    await engine.run({ type: 'session.stop', sessionId });
    return {
      rssBytes: Math.max(maxRss, rssBytes()),
      cpu: cpuSince(cpuStart),
      state: end.state,
      sentBytes: end.sentBytes,
    };
  } finally {
    await engine.shutdown();
  }
}

serve({ listen, sendBare, sendSockpit });
