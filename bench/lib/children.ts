import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { openFileLimit } from './machine';
import type { ChildMessage, ParentMessage } from './protocol';

// Every side of a benchmark (the Sockpit engine, the bare Node reference, each peer) runs in a process of
// its own, so its RSS and CPU time are its own and a busy peer cannot slow the measured loop by sharing
// its event loop. The TypeScript is bundled first, as electron-vite bundles the app's main process:
// loading it through tsx instead would add ~20 MiB of compiler state to the RSS being measured.

export const ROOT = path.resolve(__dirname, '..', '..');
const ENTRIES = {
  sockpit: 'bench/children/sockpit.ts',
  bare: 'bench/children/bare.ts',
  peer: 'bench/children/peer.ts',
  'ui-client': 'bench/children/ui-client.ts',
  bridge: 'bench/children/bridge.ts',
  file: 'bench/children/file.ts',
} as const;
export type ChildKind = Exclude<keyof typeof ENTRIES, 'ui-client'>;

let built: Promise<string> | undefined;

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Bundles the child programs once per process into a temporary folder, removed on exit. */
export function buildChildren(): Promise<string> {
  built ??= (async () => {
    // esbuild (a devDependency, the compiler tsx itself uses) bundles each child into one plain script.
    const esbuild = await import('esbuild');
    // One folder per process, named by its pid; folders of processes that are gone (killed before their
    // exit handler ran) are cleared here, so nothing piles up.
    const base = path.join(ROOT, 'node_modules', '.cache', 'sockpit-bench');
    mkdirSync(base, { recursive: true });
    for (const name of readdirSync(base))
      if (!isAlive(Number(name))) rmSync(path.join(base, name), { recursive: true, force: true });
    const outdir = path.join(base, String(process.pid));
    process.once('exit', () => rmSync(outdir, { recursive: true, force: true }));
    await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, path.join(ROOT, file)])),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: `node${process.versions.node.split('.')[0]}`,
      outdir,
      logLevel: 'warning',
    });
    return outdir;
  })();
  return built;
}

export interface BenchChild {
  readonly kind: ChildKind;
  readonly pid: number;
  readonly process: ChildProcess;
  /** Runs `op` in the child and resolves with its answer; rejects with the child's error or after `timeoutMs`. */
  call<T = unknown>(op: string, args?: unknown, timeoutMs?: number): Promise<T>;
  /** Resolves with the data of the next notification named `event` (or one that already came and was not taken). */
  next<T = unknown>(event: string, timeoutMs?: number): Promise<T>;
  stderr(): string;
  /** Kills the child if it is still running and waits for it to go. */
  stop(): Promise<void>;
}

const live = new Set<BenchChild>();

/** Kill every child this process started and has not stopped; benchmarks call it in `finally`. */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...live].map((child) => child.stop()));
}

process.once('exit', () => {
  for (const child of live) child.process.kill('SIGKILL');
});

export interface ChildOptions {
  /** Open files the child needs (sockets count); the soft limit is raised for it if lower. */
  openFiles?: number;
  /**
   * Run the child (and any process it starts) on this CPU only, where `taskset` exists. Latency on a
   * 2-core machine otherwise measures where the scheduler happened to wake each process: a ping-pong
   * on one core answers in ~20 µs, across cores in ~50 µs, whoever the server is.
   */
  cpu?: number;
}

let tasksetFound: boolean | undefined;
/** Whether CPU pinning is available (Linux's util-linux); elsewhere children run unpinned. */
export function hasTaskset(): boolean {
  tasksetFound ??= spawnSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' }).status === 0;
  return tasksetFound;
}

export async function startChild(kind: ChildKind, options: ChildOptions = {}): Promise<BenchChild> {
  const outdir = await buildChildren();
  const program = path.join(outdir, `${kind}.js`);
  const needed = options.openFiles ?? 0;
  // `ulimit -n` in a shell that then execs node: the child keeps the pid, and the limit is its alone.
  const [bare, bareArgs] =
    needed > openFileLimit()
      ? ['sh', ['-c', `ulimit -n ${needed} && exec "$0" "$1"`, process.execPath, program]]
      : [process.execPath, [program]];
  const pinned = options.cpu !== undefined && hasTaskset();
  const command = pinned ? 'taskset' : bare;
  const args = pinned ? ['-c', String(options.cpu), bare, ...bareArgs] : bareArgs;
  const proc = spawn(command, args, {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  let err = '';
  proc.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    // The tail is enough to explain a crash; a child that logs in a loop must not fill this process.
    err = (err + chunk).slice(-20_000);
  });
  const exited = once(proc, 'exit');
  let nextId = 1;
  const calls = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const notices = new Map<string, unknown[]>();
  const waiters = new Map<string, Array<(data: unknown) => void>>();
  let gone: Error | undefined;

  proc.on('message', (raw) => {
    const message = raw as ChildMessage;
    if (message.kind === 'reply') {
      const call = calls.get(message.id);
      calls.delete(message.id);
      if (!call) return;
      if (message.ok) call.resolve(message.value);
      else call.reject(new Error(`${kind} child, ${message.error}`));
      return;
    }
    const waiting = waiters.get(message.event);
    const first = waiting?.shift();
    if (first) first(message.data);
    else notices.set(message.event, [...(notices.get(message.event) ?? []), message.data]);
  });
  proc.on('exit', (code, signal) => {
    gone = new Error(
      `the ${kind} child exited (${signal ?? code})${err ? `: ${err.trim().split('\n').slice(-8).join('\n')}` : ''}`,
    );
    for (const call of calls.values()) call.reject(gone);
    calls.clear();
  });

  const child: BenchChild = {
    kind,
    pid: proc.pid ?? -1,
    process: proc,
    call<T>(op: string, callArgs?: unknown, timeoutMs = 60_000): Promise<T> {
      if (gone) return Promise.reject(gone);
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          calls.delete(id);
          reject(
            new Error(
              `${kind} child did not answer "${op}" within ${timeoutMs} ms${err ? `; its stderr: ${err.trim().slice(-2000)}` : ''}`,
            ),
          );
        }, timeoutMs);
        calls.set(id, {
          resolve: (value) => (clearTimeout(timer), resolve(value as T)),
          reject: (error) => (clearTimeout(timer), reject(error)),
        });
        const message: ParentMessage = { id, op, args: callArgs };
        proc.send(message);
      });
    },
    next<T>(event: string, timeoutMs = 60_000): Promise<T> {
      const queued = notices.get(event);
      if (queued && queued.length > 0) return Promise.resolve(queued.shift() as T);
      if (gone) return Promise.reject(gone);
      return new Promise<T>((resolve, reject) => {
        const onData = (data: unknown) => (clearTimeout(timer), proc.off('exit', onExit), resolve(data as T));
        const onExit = () => {
          clearTimeout(timer);
          reject(gone ?? new Error(`${kind} child exited before "${event}"`));
        };
        const timer = setTimeout(() => {
          const list = waiters.get(event) ?? [];
          list.splice(list.indexOf(onData), 1);
          proc.off('exit', onExit);
          reject(
            new Error(
              `${kind} child sent no "${event}" within ${timeoutMs} ms${err ? `; its stderr: ${err.trim().slice(-2000)}` : ''}`,
            ),
          );
        }, timeoutMs);
        waiters.set(event, [...(waiters.get(event) ?? []), onData]);
        proc.once('exit', onExit);
      });
    },
    stderr: () => err,
    async stop() {
      live.delete(child);
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGKILL');
        await exited;
      }
    },
  };
  live.add(child);
  await child.next('ready', 30_000);
  return child;
}
