import { execFile } from 'node:child_process';
import { readdir, readFile, readlink } from 'node:fs/promises';

// Who holds a local port: /proc on Linux, lsof on macOS, netstat and tasklist on Windows. Each answer is
// parsed by a pure function (tested with captured output); the lookups run under one short deadline.

export interface PortOwner {
  pid: number;
  command: string;
}

/** Looking for a port's owner must never hold up the error the user is waiting for. */
const OWNER_LOOKUP_MS = 1500;
const COMMAND_MAX_CHARS = 80;

/**
 * The process holding a local port (listening for TCP, bound for UDP), or undefined when the OS
 * does not let us see it, nothing holds it, or looking takes more than ~1.5 s. Never throws.
 */
export async function findPortOwner(port: number, protocol: 'tcp' | 'udp'): Promise<PortOwner | undefined> {
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return undefined;
  const deadline = Date.now() + OWNER_LOOKUP_MS;
  try {
    switch (process.platform) {
      case 'linux':
      case 'android':
        return await ownerFromProc(port, protocol, deadline);
      case 'win32':
        return await ownerFromNetstat(port, protocol, deadline);
      default:
        return await ownerFromLsof(port, protocol, deadline);
    }
  } catch {
    return undefined;
  }
}

/**
 * Socket inodes for a local port in the text of /proc/net/{tcp,tcp6,udp,udp6}. Inode 0 marks sockets
 * no process owns any more (TIME_WAIT), so those are skipped.
 */
export function parseProcNet(text: string, port: number, protocol: 'tcp' | 'udp'): string[] {
  const inodes: string[] = [];
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i]!.trim().split(/\s+/);
    if (f.length < 10) continue;
    const local = f[1]!;
    const colon = local.lastIndexOf(':');
    if (colon < 0 || parseInt(local.slice(colon + 1), 16) !== port) continue;
    // TCP: only the listener (0A). UDP has no listen state: 07 is a bound socket, 01 a connected one.
    if (protocol === 'tcp' && f[3] !== '0A') continue;
    const inode = f[9]!;
    if (inode !== '0') inodes.push(inode);
  }
  return inodes;
}

/** argv from /proc/[pid]/cmdline, program reduced to its base name: "python3 server.py". */
export function commandFromCmdline(cmdline: string, comm: string): string {
  const argv = cmdline.split('\0').filter((s) => s !== '');
  if (argv.length === 0) return comm;
  argv[0] = argv[0]!.split(/[\\/]/).pop() || argv[0]!;
  // Programs that rewrite their title put everything in argv[0]; the result still reads well.
  return truncate(argv.join(' '));
}

function truncate(s: string): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > COMMAND_MAX_CHARS ? `${flat.slice(0, COMMAND_MAX_CHARS - 1)}\u2026` : flat;
}

async function ownerFromProc(port: number, protocol: 'tcp' | 'udp', deadline: number): Promise<PortOwner | undefined> {
  const files = protocol === 'tcp' ? ['/proc/net/tcp', '/proc/net/tcp6'] : ['/proc/net/udp', '/proc/net/udp6'];
  const inodes = new Set<string>();
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const inode of parseProcNet(text, port, protocol)) inodes.add(inode);
  }
  if (inodes.size === 0) return undefined;
  const targets = new Set([...inodes].map((i) => `socket:[${i}]`));

  const pids = (await readdir('/proc')).filter((n) => /^\d+$/.test(n));
  // Our own process first: a port in use is often held by another session of this app.
  const self = String(process.pid);
  pids.sort((a, b) => (a === self ? -1 : b === self ? 1 : 0));

  for (const pid of pids) {
    if (Date.now() > deadline) return undefined;
    let fds: string[];
    try {
      fds = await readdir(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to look at
    }
    const links = await Promise.all(fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')));
    if (!links.some((l) => targets.has(l))) continue;
    const comm = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim();
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    return { pid: Number(pid), command: commandFromCmdline(cmdline, comm) || `pid ${pid}` };
  }
  return undefined;
}

function run(file: string, args: string[], deadline: number): Promise<string> {
  const timeout = Math.max(1, deadline - Date.now());
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { timeout, windowsHide: true, maxBuffer: 8 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout) => {
        // lsof exits 1 when nothing matches; what it printed still counts.
        if (err && !stdout) reject(err);
        else resolve(stdout);
      },
    );
  });
}

/** `lsof -F pc` output: lines "p<pid>" then "c<command>". */
export function parseLsof(text: string): PortOwner | undefined {
  let pid: number | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('p')) pid = Number(line.slice(1));
    else if (line.startsWith('c') && pid !== undefined && Number.isInteger(pid))
      return { pid, command: truncate(line.slice(1)) };
  }
  return pid !== undefined && Number.isInteger(pid) ? { pid, command: `pid ${pid}` } : undefined;
}

async function ownerFromLsof(port: number, protocol: 'tcp' | 'udp', deadline: number): Promise<PortOwner | undefined> {
  const filter = protocol === 'tcp' ? ['-iTCP:' + port, '-sTCP:LISTEN'] : ['-iUDP:' + port];
  const owner = parseLsof(await run('lsof', ['+c', '0', '-nP', ...filter, '-Fpc'], deadline));
  if (!owner) return undefined;
  // ps gives the arguments too ("python3 server.py" rather than "Python"), when there is time left.
  try {
    const args = (await run('ps', ['-o', 'args=', '-p', String(owner.pid)], deadline)).trim();
    if (args) {
      const [prog = '', ...rest] = args.split(' ');
      return { pid: owner.pid, command: truncate([prog.split('/').pop() || prog, ...rest].join(' ')) };
    }
  } catch {
    // the lsof name will do
  }
  return owner;
}

/**
 * The pid holding a port in `netstat -ano` output. TCP rows: proto, local, foreign, state, pid;
 * UDP rows have no state. The state word is localised on some Windows versions, so a TCP row counts
 * as listening when its foreign address is a wildcard (port 0).
 */
export function parseNetstat(text: string, port: number, protocol: 'tcp' | 'udp'): number | undefined {
  for (const line of text.split(/\r?\n/)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4) continue;
    const proto = f[0]!.toUpperCase();
    if (proto !== (protocol === 'tcp' ? 'TCP' : 'UDP')) continue;
    const local = f[1]!;
    const colon = local.lastIndexOf(':');
    if (colon < 0 || Number(local.slice(colon + 1)) !== port) continue;
    if (protocol === 'tcp') {
      const foreign = f[2]!;
      if (!/:0$/.test(foreign) && !/:\*$/.test(foreign)) continue;
    }
    const pid = Number(f[f.length - 1]);
    if (Number.isInteger(pid) && pid > 0) return pid;
  }
  return undefined;
}

/** The image name from `tasklist /FO CSV /NH`: "python.exe","1234","Console","1","10,000 K". */
export function parseTasklist(text: string): string | undefined {
  const m = /^"([^"]*)"/m.exec(text.trim());
  return m?.[1] || undefined;
}

async function ownerFromNetstat(
  port: number,
  protocol: 'tcp' | 'udp',
  deadline: number,
): Promise<PortOwner | undefined> {
  // Without -p, both IPv4 and IPv6 rows are listed.
  const pid = parseNetstat(await run('netstat', ['-ano'], deadline), port, protocol);
  if (pid === undefined) return undefined;
  try {
    const name = parseTasklist(await run('tasklist', ['/FI', `PID eq ${pid}`, '/FO', 'CSV', '/NH'], deadline));
    return { pid, command: name ? truncate(name) : `pid ${pid}` };
  } catch {
    return { pid, command: `pid ${pid}` };
  }
}
