import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

// Programs the tests talk to: tutorial-style python3 peers and plain Node sockets, on 127.0.0.1 only.

const PEERS = path.resolve(__dirname, '..', 'test', 'peers');
const running = new Set<ChildProcess>();

export interface PythonPeer {
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  exited(): Promise<number | null>;
}

export function python(script: string, ...args: string[]): PythonPeer {
  const child = spawn('python3', ['-u', path.join(PEERS, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => (running.delete(child), resolve(code))));
  return {
    output: () => output,
    exited: () => exit,
    waitFor(pattern, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const started = Date.now();
        const check = () => {
          const found = pattern.exec(output);
          if (found) return resolve(found);
          if (Date.now() - started > timeoutMs) return reject(new Error(`${script} did not print ${pattern} within ${timeoutMs} ms; it printed:\n${output}`));
          setTimeout(check, 25);
        };
        check();
      });
    },
  };
}

export function stopPeers(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/** A plain TCP client that records every byte it receives. */
export async function tcpClient(port: number): Promise<{ socket: net.Socket; received: () => Buffer; local: string }> {
  const socket = net.connect({ host: '127.0.0.1', port });
  const chunks: Buffer[] = [];
  socket.on('data', (chunk) => chunks.push(chunk));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, received: () => Buffer.concat(chunks), local: `127.0.0.1:${socket.localPort}` };
}
