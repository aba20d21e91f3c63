import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';

// Real peers and the real CLI as child processes. Every wait has a deadline, and every child is
// killed by `stopAll()` so a failing test never leaves a process behind.

export const ROOT = path.resolve(__dirname, '..', '..');
const PEERS = path.join(ROOT, 'test', 'peers');
const CLI = path.join(ROOT, 'bin', 'sockpit.cjs');

const children = new Set<ChildProcess>();

export interface Child {
  process: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line matching, or rejects after `timeoutMs` naming what was seen. */
  waitForLine(match: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Resolves when the process exits, or kills it and rejects after `timeoutMs`. */
  exited(
    timeoutMs?: number,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

function track(child: ChildProcess, label: string, outlivesTests = false): Child {
  if (!outlivesTests) children.add(child);
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exit = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  // 'close' comes after the pipes are drained, so the collected output is complete.
  const closed = once(child, 'close').then(() => children.delete(child));
  const describe = () => `${label}\n--- stdout ---\n${out}\n--- stderr ---\n${err}`;
  return {
    process: child,
    stdout: () => out,
    stderr: () => err,
    waitForLine(match, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          for (const line of out.split('\n')) {
            const found = match.exec(line);
            if (found) {
              cleanup();
              resolve(found);
              return true;
            }
          }
          return false;
        };
        const onExit = () =>
          setImmediate(
            () => check() || (cleanup(), reject(new Error(`exited before printing ${match}: ${describe()}`))),
          );
        const timer = setTimeout(
          () => (cleanup(), reject(new Error(`no line matching ${match} within ${timeoutMs} ms: ${describe()}`))),
          timeoutMs,
        );
        const cleanup = () => {
          clearTimeout(timer);
          child.stdout?.off('data', check);
          child.off('exit', onExit);
        };
        if (check()) return;
        child.stdout?.on('data', check);
        child.once('exit', onExit);
      });
    },
    async exited(timeoutMs = 15_000) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`did not exit within ${timeoutMs} ms: ${describe()}`));
        }, timeoutMs);
      });
      try {
        const [code, signal] = await Promise.race([exit, deadline]);
        await closed;
        return { code, signal, stdout: out, stderr: err };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Kill every child a test started and did not wait for. */
export async function stopAll(): Promise<void> {
  const left = [...children];
  for (const child of left) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(
    left.map((child) => (child.exitCode === null && child.signalCode === null ? once(child, 'exit') : undefined)),
  );
}

/** Python prints Chinese in UTF-8 whatever the locale of the machine running the tests. */
const PYTHON_ENV = { ...process.env, PYTHONIOENCODING: 'utf-8', PYTHONUNBUFFERED: '1' };

export function startPeer(script: string, args: Array<string | number> = []): Child {
  const child = spawn('python3', [path.join(PEERS, script), ...args.map(String)], {
    env: PYTHON_ENV,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return track(child, `python3 ${script} ${args.join(' ')}`);
}

/** A tutorial-sized python3 program given inline, for peers too small for a file of their own. */
export function startPythonProgram(code: string): Child {
  const child = spawn('python3', ['-c', code], { env: PYTHON_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  return track(child, 'python3 -c <program>');
}

/** A peer that binds port 0 prints "listening on port N"; this returns it with N. */
export async function startPeerOnFreePort(script: string): Promise<{ peer: Child; port: number }> {
  const peer = startPeer(script, [0]);
  const match = await peer.waitForLine(/listening on port (\d+)/);
  return { peer, port: Number(match[1]) };
}

export function startCli(
  args: string[],
  options: { cwd?: string } = {},
): Child & { lines(): Array<Record<string, unknown>> } {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tracked = track(child, `sockpit ${args.join(' ')}`);
  return { ...tracked, lines: () => parseNdjson(tracked.stdout()) };
}

export interface CliRunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Parsed stdout when the run had --json, else empty. */
  events: Array<Record<string, unknown>>;
  ms: number;
}

/** Run the CLI to the end. */
export async function runCli(args: string[], timeoutMs = 15_000): Promise<CliRunResult> {
  const started = performance.now();
  const child = startCli(args);
  const { code, stdout, stderr } = await child.exited(timeoutMs);
  // Only --json output must be pure NDJSON; readable output is checked by the test itself.
  const events = args.includes('--json') ? parseNdjson(stdout) : [];
  return { code, stdout, stderr, events, ms: performance.now() - started };
}

/** Lines that are not JSON fail the test: --json output must be pure NDJSON. */
export function parseNdjson(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON line: ${line}`);
      }
    });
}

/** The port from a `listening` event's "host:port" (IPv6 in brackets). */
export function portOf(endpoint: unknown): number {
  const match = /:(\d+)$/.exec(String(endpoint));
  if (!match) throw new Error(`no port in ${String(endpoint)}`);
  return Number(match[1]);
}

/**
 * Any program as a peer (socat, nc, …); `input` is written to its stdin, which is then closed.
 * `outlivesTests` keeps it out of `stopAll()`: a server shared by several tests stops when its owner says.
 */
export function startProgram(
  command: string,
  args: string[],
  input?: string | Uint8Array,
  options: { env?: NodeJS.ProcessEnv; cwd?: string; outlivesTests?: boolean } = {},
): Child {
  const child = spawn(command, args, {
    env: options.env,
    cwd: options.cwd,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (input !== undefined) {
    child.stdin?.on('error', () => {});
    child.stdin?.end(input);
  }
  return track(child, `${command} ${args.join(' ')}`, options.outlivesTests);
}
