import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missing, needs } from '../helpers/peers';

// These run the engine where this machine's own network cannot be touched: inside a network
// namespace that holds only a loopback interface, or as an unprivileged user.
const SCENARIO = path.join(__dirname, 'scenario.ts');
const NS = `sockpit-test-${process.pid}`;
const NOBODY = { uid: 65534, gid: 65534 };

// The scenarios run as one self-contained script, bundled by esbuild (as bench/lib/children.ts bundles
// its children), in a folder of its own under /tmp: user nobody cannot read a checkout under a 0700 home,
// nor its node_modules, and TMPDIR may point somewhere just as private.
let folder: string | undefined;
let bundled: Promise<string> | undefined;
function scenarioBundle(): Promise<string> {
  bundled ??= (async () => {
    const esbuild = await import('esbuild');
    folder = mkdtempSync('/tmp/sockpit-scenario-');
    chmodSync(folder, 0o755);
    const outfile = path.join(folder, 'scenario.cjs');
    await esbuild.build({
      entryPoints: [SCENARIO],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: `node${process.versions.node.split('.')[0]}`,
      outfile,
      logLevel: 'warning',
    });
    chmodSync(outfile, 0o644);
    return outfile;
  })();
  return bundled;
}
afterAll(() => {
  if (folder) rmSync(folder, { recursive: true, force: true });
});

async function runScenario(
  name: string,
  prefix: string[] = [],
  options: { uid?: number; gid?: number } = {},
  extra: string[] = [],
) {
  const bundle = await scenarioBundle();
  const [cmd, ...args] = [...prefix, process.execPath, bundle, name, ...extra];
  // cwd and HOME where nobody may be: spawning fails with EACCES in a folder it cannot enter.
  const out = execFileSync(cmd, args, {
    encoding: 'utf8',
    timeout: 20_000,
    cwd: path.dirname(bundle),
    ...options,
    env: { ...process.env, HOME: '/tmp' },
  });
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

describe('in a network namespace of our own', () => {
  beforeAll(() => {
    if (missing('root') || missing('ip')) return;
    execFileSync('ip', ['netns', 'add', NS]);
    const inNs = (...args: string[]) => execFileSync('ip', ['netns', 'exec', NS, 'ip', ...args]);
    inNs('link', 'set', 'lo', 'up');
    // Multicast over loopback needs the flag and a route; an "unreachable" route makes EHOSTUNREACH.
    inNs('link', 'set', 'lo', 'multicast', 'on');
    inNs('route', 'add', '224.0.0.0/4', 'dev', 'lo');
    inNs('route', 'add', 'unreachable', '10.8.0.0/16');
  });
  afterAll(() => {
    if (missing('root') || missing('ip')) return;
    spawnSync('ip', ['netns', 'del', NS]);
  });

  it('UDP multicast: join a group, receive what is sent to it, leave, receive nothing more', async (ctx) => {
    needs(ctx, 'root', 'ip');
    const result = await runScenario('multicast', ['ip', 'netns', 'exec', NS]);
    expect(result.groupsAtStart).toEqual(['239.1.2.3@127.0.0.1']);
    expect(result.first).toBe('to the group');
    expect(result.left).toMatchObject({ ok: true, value: { groups: [] } });
    expect(result.afterLeave).toBe('to the group');
    expect(result.badJoin.ok).toBe(false);
    expect(result.badJoin.error.message).toContain('10.1.1.1');
  });

  it('ENETUNREACH and EHOSTUNREACH are explained in plain words', async (ctx) => {
    needs(ctx, 'root', 'ip');
    const result = await runScenario('unreachable', ['ip', 'netns', 'exec', NS]);
    expect(result['10.9.9.9']).toMatchObject({ code: 'ENETUNREACH', message: expect.stringContaining('10.9.9.9') });
    expect(result['10.8.1.1']).toMatchObject({ code: 'EHOSTUNREACH', message: expect.stringContaining('10.8.1.1') });
    expect(result['10.9.9.9'].hint).toBeTruthy();
  });
});

describe('as an unprivileged user', () => {
  it('a privileged port is EACCES with a plain explanation (TCP and UDP)', async (ctx) => {
    needs(ctx, 'root', 'user nobody');
    const result = await runScenario('privileged', [], NOBODY);
    expect(result.uid).toBe(65534);
    expect(result.tcp).toMatchObject({ code: 'EACCES', message: expect.stringContaining('80') });
    expect(result.udp).toMatchObject({ code: 'EACCES', message: expect.stringContaining('53') });
    expect(result.tcp.hint).toMatch(/1024/);
  });

  it('a capture file in a folder the user may not write to is EACCES in plain words', async (ctx) => {
    needs(ctx, 'root', 'user nobody');
    // Beside the bundle, so nobody can reach it and is refused only the write.
    const denied = path.join(path.dirname(await scenarioBundle()), 'root-only');
    mkdirSync(denied, { mode: 0o755 });
    chmodSync(denied, 0o755);
    const result = await runScenario('captureFileDenied', [], NOBODY, [denied]);
    expect(result.uid).toBe(65534);
    expect(result.result).toMatchObject({
      ok: false,
      error: {
        code: 'EACCES',
        message: `Sockpit is not allowed to write ${denied}/capture.bin.`,
        hint: expect.stringMatching(/folder you can write to/),
      },
    });
  });
});
