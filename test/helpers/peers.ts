import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

// Optional peers: programs and privileges some tests need that a machine with only Node and python3
// does not have. A test that needs one calls `needs(ctx, 'socat')` first; without it the test is
// skipped with a note of one fixed shape, `needs socat (not installed)`, which the reporter
// (test/helpers/skip-notes-reporter.ts) collects and `npm test` sums up at its end. python3 is not
// optional: every machine that runs the suite has it, so its absence fails loudly.

/** Note for a test skipped for want of `peer`; scripts/peers-summary.cjs groups skips by it. */
export function peerNote(peer: string, why: string): string {
  return `needs ${peer} (${why})`;
}

const UID_NOBODY = 65534;

/** The file `name` resolves to on PATH, as a spawn would find it, or undefined. */
export function findProgram(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    try {
      // A program hidden by binding /dev/null over it is a device, not a file: it counts as missing.
      if (!statSync(file).isFile()) continue;
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function haveProgram(name: string): boolean {
  return findProgram(name) !== undefined;
}

const installed = (name: string) => (haveProgram(name) ? undefined : 'not installed');

function notRoot(): string | undefined {
  const uid = process.getuid?.();
  if (uid === undefined) return 'this platform has no user ids';
  return uid === 0 ? undefined : `running as uid ${uid}`;
}

/** Whether `ip netns add` works here: it needs root and a kernel/container that allows new namespaces. */
function netnsRefused(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces are Linux only';
  if (!haveProgram('ip')) return 'not installed';
  const probe = `sockpit-probe-${process.pid}`;
  const added = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8', timeout: 10_000 });
  if (added.status !== 0)
    return `\`ip netns add\` was refused: ${(added.stderr || String(added.error ?? added.status)).trim()}`;
  spawnSync('ip', ['netns', 'del', probe], { timeout: 10_000 });
  return undefined;
}

/** Whether this process can run node as the unprivileged user nobody (uid and gid 65534). */
function nobodyUnusable(): string | undefined {
  if (process.platform !== 'linux') return 'dropping to nobody is tested on Linux only';
  const root = notRoot();
  if (root) return `only root can run a process as nobody; ${root}`;
  let passwd = '';
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    // no passwd file: no nobody either
  }
  if (!passwd.split('\n').some((line) => line.split(':')[2] === String(UID_NOBODY)))
    return `no user with uid ${UID_NOBODY} in /etc/passwd`;
  // node itself must be reachable and executable by nobody: not so when it sits under a 0700 home.
  const run = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.getuid()))'], {
    uid: UID_NOBODY,
    gid: UID_NOBODY,
    cwd: '/',
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (run.stdout !== String(UID_NOBODY)) {
    const why = run.error
      ? ((run.error as NodeJS.ErrnoException).code ?? run.error.message)
      : (run.stderr.trim().split('\n')[0] ?? `exit ${run.status}`);
    return `node at ${process.execPath} cannot be run by nobody: ${why}`;
  }
  return undefined;
}

const CHECKS = {
  socat: () => installed('socat'),
  /** OpenBSD netcat (netcat-openbsd): the tests use its -N and -u -w. */
  nc: () => installed('nc'),
  packetsender: () => installed('packetsender'),
  /** iproute2's ss, which shows a socket's kernel timers. */
  ss: () => installed('ss'),
  /** iproute2's ip, allowed to make network namespaces (root, and a kernel or container that permits it). */
  ip: netnsRefused,
  mkfifo: () => installed('mkfifo'),
  root: notRoot,
  'user nobody': nobodyUnusable,
} satisfies Record<string, () => string | undefined>;

export type Peer = keyof typeof CHECKS;

const known = new Map<Peer, string | undefined>();

/** Why `peer` cannot be used on this machine, or undefined when it can. Each peer is checked once per process. */
export function missing(peer: Peer): string | undefined {
  if (!known.has(peer)) known.set(peer, CHECKS[peer]());
  return known.get(peer);
}

/** Skips the running test, with a note naming the first of `peers` this machine lacks and why. */
export function needs(ctx: { skip(note: string): never }, ...peers: Peer[]): void {
  for (const peer of peers) {
    const why = missing(peer);
    if (why !== undefined) ctx.skip(peerNote(peer, why));
  }
}
