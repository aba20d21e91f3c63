import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// These run the engine where this machine's own network cannot be touched: inside a network
// namespace that holds only a loopback interface, or as an unprivileged user.
const ROOT = path.join(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const SCENARIO = path.join(__dirname, 'scenario.ts');
const NS = `sockpit-test-${process.pid}`;

function tryRun(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

const canNetns = process.platform === 'linux' && tryRun('ip', ['netns', 'add', `${NS}-probe`]) && tryRun('ip', ['netns', 'del', `${NS}-probe`]);
if (!canNetns) console.log('skipping network-namespace tests: `ip netns add` is not permitted here (needs Linux, root and iproute2)');

function runScenario(name: string, prefix: string[] = [], options: { uid?: number; gid?: number } = {}, extra: string[] = []) {
  const [cmd, ...args] = [...prefix, TSX, SCENARIO, name, ...extra];
  const out = execFileSync(cmd, args, { encoding: 'utf8', timeout: 20_000, cwd: ROOT, ...options, env: { ...process.env, HOME: '/tmp' } });
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

describe.skipIf(!canNetns)('in a network namespace of our own', () => {
  beforeAll(() => {
    execFileSync('ip', ['netns', 'add', NS]);
    const inNs = (...args: string[]) => execFileSync('ip', ['netns', 'exec', NS, 'ip', ...args]);
    inNs('link', 'set', 'lo', 'up');
    // Multicast over loopback needs the flag and a route; an "unreachable" route makes EHOSTUNREACH.
    inNs('link', 'set', 'lo', 'multicast', 'on');
    inNs('route', 'add', '224.0.0.0/4', 'dev', 'lo');
    inNs('route', 'add', 'unreachable', '10.8.0.0/16');
  });
  afterAll(() => {
    spawnSync('ip', ['netns', 'del', NS]);
  });

  it('UDP multicast: join a group, receive what is sent to it, leave, receive nothing more', () => {
    const result = runScenario('multicast', ['ip', 'netns', 'exec', NS]);
    expect(result.groupsAtStart).toEqual(['239.1.2.3@127.0.0.1']);
    expect(result.first).toBe('to the group');
    expect(result.left).toMatchObject({ ok: true, value: { groups: [] } });
    expect(result.afterLeave).toBe('to the group');
    expect(result.badJoin.ok).toBe(false);
    expect(result.badJoin.error.message).toContain('10.1.1.1');
  });

  it('ENETUNREACH and EHOSTUNREACH are explained in plain words', () => {
    const result = runScenario('unreachable', ['ip', 'netns', 'exec', NS]);
    expect(result['10.9.9.9']).toMatchObject({ code: 'ENETUNREACH', message: expect.stringContaining('10.9.9.9') });
    expect(result['10.8.1.1']).toMatchObject({ code: 'EHOSTUNREACH', message: expect.stringContaining('10.8.1.1') });
    expect(result['10.9.9.9'].hint).toBeTruthy();
  });
});

const isRoot = process.getuid?.() === 0;
describe.skipIf(process.platform !== 'linux' || !isRoot)('as an unprivileged user', () => {
  it('a privileged port is EACCES with a plain explanation (TCP and UDP)', () => {
    const result = runScenario('privileged', [], { uid: 65534, gid: 65534 });
    expect(result.uid).toBe(65534);
    expect(result.tcp).toMatchObject({ code: 'EACCES', message: expect.stringContaining('80') });
    expect(result.udp).toMatchObject({ code: 'EACCES', message: expect.stringContaining('53') });
    expect(result.tcp.hint).toMatch(/1024/);
  });

  it('a capture file in a folder the user may not write to is EACCES in plain words', () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'sockpit-root-only-'));
    try {
      chmodSync(folder, 0o755);
      const result = runScenario('captureFileDenied', [], { uid: 65534, gid: 65534 }, [folder]);
      expect(result.uid).toBe(65534);
      expect(result.result).toMatchObject({
        ok: false,
        error: { code: 'EACCES', message: `Sockpit is not allowed to write ${folder}/capture.bin.`, hint: expect.stringMatching(/folder you can write to/) },
      });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
if (!isRoot) console.log('skipping the privileged-port test: it drops from root to nobody, and this run is not root');
