import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

// What the figures were measured on, read when the benchmarks run, never written down by hand.

export interface Machine {
  cpu: string;
  cores: number;
  ramBytes: number;
  os: string;
  kernel: string;
  node: string;
  chromium?: string;
  /** 1-minute load average when the run started: above ~0.5 something else was using the machine. */
  loadAtStart: number;
}

function osName(): string {
  try {
    const release = readFileSync('/etc/os-release', 'utf8');
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(release)?.[1];
    if (pretty) return pretty;
  } catch {
    // Not Linux, or no os-release: the platform name below still says what it is.
  }
  return `${os.type()} ${os.release()}`;
}

export function chromiumVersion(executable: string): string | undefined {
  const run = spawnSync(executable, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

/** The CPU's clock as the kernel reports it, where os.cpus() does not (virtual machines often report 0). */
function cpuMHz(): number | undefined {
  try {
    const mhz = /^cpu MHz\s*:\s*([\d.]+)/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1];
    return mhz ? Number(mhz) : undefined;
  } catch {
    return undefined;
  }
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  const mhz = cpus[0]?.speed || cpuMHz();
  return {
    cpu: `${cpus[0]?.model.trim() ?? 'unknown'}${mhz ? `, ${(mhz / 1000).toFixed(1)} GHz` : ''}`,
    cores: cpus.length,
    ramBytes: os.totalmem(),
    os: osName(),
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAtStart: os.loadavg()[0] ?? 0,
  };
}

/** Datagrams the kernel dropped on the UDP socket bound to this local port (the `drops` column of /proc/net/udp). */
export function udpDrops(port: number): number | undefined {
  try {
    const table = readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1);
    const hex = port.toString(16).toUpperCase().padStart(4, '0');
    for (const line of table) {
      const fields = line.trim().split(/\s+/);
      if (fields[1]?.endsWith(`:${hex}`)) return Number(fields[fields.length - 1]);
    }
  } catch {
    // Only Linux has /proc/net/udp; elsewhere losses are still counted from what was sent and received.
  }
  return undefined;
}

/** The soft limit on open files for processes started from here. */
export function openFileLimit(): number {
  const run = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' });
  const value = run.stdout.trim();
  return value === 'unlimited' ? Number.POSITIVE_INFINITY : Number(value) || 0;
}

/** Resident memory of another process (VmRSS), in bytes; undefined once it is gone. */
export function rssOfPid(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
