import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Receiving } from '../udp';
import { hasTaskset } from './children';
import { udpDrops } from './machine';

// The UDP benchmark's receivers that are not Node children of ours: socat, a tool people use, as a peer row;
// and where the receiver and the sender run, including the constraint that makes this machine behave like a slower
// one for the receiver.

let socatChecked: string | undefined | null = null;
/** Why socat cannot run here, or undefined when it can. */
export function socatMissing(): string | undefined {
  if (socatChecked === null) {
    const run = spawnSync('socat', ['-V'], { stdio: 'ignore' });
    socatChecked = run.error || run.status !== 0 ? 'socat is not installed (apt-get install socat)' : undefined;
  }
  return socatChecked;
}

/** A UDP port free on 127.0.0.1 right now; socat is told which port to bind, it cannot report one it chose. */
async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

const CLOCK_TICKS_PER_SECOND = (() => {
  const run = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  return Number(run.stdout?.trim()) || 100;
})();

/** User + system CPU of a process from /proc/PID/stat (fields 14 and 15, in clock ticks); 0 where unreadable. */
function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/**
 * `socat -u UDP-RECV:port STDOUT` with the receive buffer Sockpit asks for, its output piped here and counted:
 * every datagram of the run has the same size, so datagrams = bytes ÷ size.
 */
export async function socatReceiver(recvBufferBytes: number, size: number): Promise<Receiving> {
  const port = await freeUdpPort();
  const proc = track(
    spawn('socat', ['-u', `UDP-RECV:${port},bind=127.0.0.1,rcvbuf=${recvBufferBytes}`, 'STDOUT'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let bytes = 0;
  let firstMs = 0;
  let lastMs = 0;
  let errors = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    const now = performance.now();
    if (bytes === 0) firstMs = now;
    bytes += chunk.byteLength;
    lastMs = now;
  });
  proc.stderr!.setEncoding('utf8').on('data', (text: string) => (errors = (errors + text).slice(-2000)));
  // Bound once /proc/net/udp lists the port; a socat that exits first says why on stderr.
  const deadline = performance.now() + 5000;
  while (udpDrops(port) === undefined) {
    if (proc.exitCode !== null || performance.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`socat did not bind 127.0.0.1:${port}: ${errors.trim() || 'no message'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const cpuAtStart = processCpuMs(proc.pid!);
  const received = () => Math.floor(bytes / size);
  return {
    pid: proc.pid!,
    port,
    // SO_RCVBUF as Linux grants it: double the request (capped by net.core.rmem_max, as for Node).
    recvBufferGranted: recvBufferGranted(port) ?? recvBufferBytes * 2,
    count: async () => received(),
    async finish() {
      const datagrams = received();
      return {
        receiver: 'socat',
        received: datagrams,
        rate: datagrams > 1 ? ((datagrams - 1) * 1000) / (lastMs - firstMs) : 0,
        recvBufferGranted: recvBufferGranted(port) ?? recvBufferBytes * 2,
        receiverCpuMs: processCpuMs(proc.pid!) - cpuAtStart,
        maxRssBytes: 0,
      };
    },
    stop: () => stopProcess(proc),
  };
}

/** What /proc/net/udp cannot say: the granted buffer. `ss` can, where present; undefined otherwise. */
function recvBufferGranted(port: number): number | undefined {
  const run = spawnSync('ss', ['-u', '-a', '-n', '-m', `sport = :${port}`], { encoding: 'utf8' });
  const match = /rb(\d+)/.exec(run.stdout ?? '');
  return match ? Number(match[1]) : undefined;
}

/** socat and burners still running: a runner that dies must not leave a process burning a CPU. */
const started = new Set<ChildProcess>();
process.once('exit', () => {
  for (const proc of started) proc.kill('SIGKILL');
});

function track(proc: ChildProcess): ChildProcess {
  started.add(proc);
  proc.once('exit', () => started.delete(proc));
  return proc;
}

async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = once(proc, 'exit');
  proc.kill('SIGKILL');
  await exited;
}

/** Where a run's receiver and sender execute, each pinned to a CPU of its own. */
export interface Placement {
  receiverCpu: number;
  senderCpu: number;
  /** A busy loop shares the receiver's CPU: the receiver runs as on a slower machine (the constrained rows). */
  burner: boolean;
  /** Pins the receiver (every thread) and starts the burner if any; resolves with the function that undoes it. */
  apply(receiverPid: number): Promise<() => Promise<void>>;
}

/**
 * The sender on the first CPU, the receiver on the last, in every row and for every receiver alike. On two CPUs the
 * sender, the receiver and Sockpit's UI process otherwise land wherever the scheduler puts them, and that moved a
 * receiver's CPU per datagram by up to a third from one run to the next, bare Node's as much as Sockpit's (4.5-5.2 s
 * per million 1400-byte datagrams in one afternoon's runs). With `burner`, a process that only burns the receiver's CPU
 * shares it, so the scheduler gives the receiver about half a core while it is busy (the slower machine
 * received 157k/s unpaced where this one receives ~300k/s). A string says why it cannot be done here.
 */
export function placeApart(burner: boolean): Placement | string {
  if (process.platform !== 'linux') return 'pinning processes to a CPU needs Linux';
  if (!hasTaskset()) return 'taskset (util-linux) is not installed';
  const cpus = availableParallelism();
  if (cpus < 2) return 'the receiver and the sender need a CPU each';
  const receiverCpu = cpus - 1;
  return {
    receiverCpu,
    senderCpu: 0,
    burner,
    async apply(receiverPid) {
      const pinned = spawnSync('taskset', ['-a', '-p', '-c', String(receiverCpu), String(receiverPid)], {
        encoding: 'utf8',
      });
      if (pinned.status !== 0) throw new Error(`taskset could not pin the receiver: ${pinned.stderr.trim()}`);
      if (!burner) return async () => {};
      const busy = track(
        spawn('taskset', ['-c', String(receiverCpu), process.execPath, '-e', 'for (;;) {}'], { stdio: 'ignore' }),
      );
      await once(busy, 'spawn');
      return () => stopProcess(busy);
    },
  };
}

export function placementNote(placement: Placement): string {
  const beside = placement.burner
    ? ' beside a busy-looping node process pinned there too (the scheduler gives each about half the core)'
    : '';
  return (
    `the receiver process (all its threads, via taskset -a -p) pinned to CPU ${placement.receiverCpu}${beside}; the ` +
    `sender pinned to CPU ${placement.senderCpu}; Sockpit's UI client process, started before the pinning, stays unpinned`
  );
}
