import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNdjson, portOf, ROOT, startProgram, stopAll } from '../helpers/processes';

// Sockpit as someone gets it from `npm pack` and `npm install`: the tarball is packed from a copy of the
// checkout with no out/ folder (so prepack must build it, and a build here cannot race the packaging test
// over this worktree's out/), installed into an empty project from the npm cache, and run from there.
// About 5 s on a two-core machine (8 s alone): most of it is the build, then the install from the cache.

const SETUP_TIMEOUT_MS = 90_000;

let work: string;
let app: string;
let packOutput = '';

/** npm's own variables from an outer `npm test` would point the inner npm at this checkout. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { FORCE_COLOR: '0' };
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(npm_|INIT_CWD$|SOCKPIT_)/i.test(name)) env[name] = value;
  }
  return env;
}

function npm(args: string[], cwd: string): string {
  const run = spawnSync('npm', args, { cwd, env: cleanEnv(), encoding: 'utf8', timeout: SETUP_TIMEOUT_MS });
  const output = `${run.stdout}${run.stderr}`;
  if (run.status !== 0)
    throw new Error(`npm ${args.join(' ')} exited ${run.status ?? run.signal} in ${cwd}:\n${output}`);
  return output;
}

/** What a fresh clone has: the files git knows (and new ones it does not ignore), without out/ or node_modules/. */
function copyCheckout(to: string): void {
  const listed = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split('\0')) {
    // A file deleted in the working tree but not yet in the index is not part of the checkout.
    if (!file || !existsSync(path.join(ROOT, file))) continue;
    mkdirSync(path.dirname(path.join(to, file)), { recursive: true });
    copyFileSync(path.join(ROOT, file), path.join(to, file));
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(to, 'node_modules'), 'dir');
}

/** `npx sockpit …` in the installed project; --no: never fetch a package of that name from the registry instead. */
function npx(args: string[], options: { timeoutMs?: number } = {}) {
  const child = startProgram('npx', ['--no', '--', 'sockpit', ...args], undefined, { cwd: app, env: cleanEnv() });
  return { child, exited: () => child.exited(options.timeoutMs ?? 15_000) };
}

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'sockpit-package-'));
  const checkout = path.join(work, 'checkout');
  const tarballs = path.join(work, 'tarballs');
  app = path.join(work, 'app');
  mkdirSync(tarballs);
  mkdirSync(app);
  copyCheckout(checkout);
  expect(existsSync(path.join(checkout, 'out'))).toBe(false);

  packOutput = npm(['pack', '--pack-destination', tarballs], checkout);
  const [tarball] = readdirSync(tarballs).filter((name) => name.endsWith('.tgz'));
  expect(tarball, packOutput).toBeDefined();

  // A package.json of its own, so npm installs here and not into a project somewhere above the temp folder.
  writeFileSync(path.join(app, 'package.json'), '{ "name": "sockpit-install-check", "private": true }\n');
  npm(['install', path.join(tarballs, tarball!), '--prefer-offline', '--no-audit', '--no-fund'], app);
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  await stopAll();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('holds the built faces, the launchers and the UI, and no sources', () => {
    const installed = path.join(app, 'node_modules', 'sockpit');
    for (const file of [
      'bin/sockpit.cjs',
      'bin/web.cjs',
      'out/cli/index.js',
      'out/bridge/index.js',
      'out/renderer/index.html',
    ]) {
      expect(existsSync(path.join(installed, file)), file).toBe(true);
    }
    for (const folder of ['cli', 'bridge', 'engine', 'shared', 'test', 'scripts'])
      expect(existsSync(path.join(installed, folder)), folder).toBe(false);
    // Its runtime dependencies came along; no build or test tool did.
    for (const name of ['iconv-lite', 'ws', 'zod'])
      expect(existsSync(path.join(app, 'node_modules', name)), name).toBe(true);
    for (const name of ['tsx', 'esbuild', 'electron', 'vitest'])
      expect(existsSync(path.join(app, 'node_modules', name)), name).toBe(false);
  });

  it('`npx sockpit --help` prints the help', async () => {
    const { code, stdout, stderr } = await npx(['--help']).exited();
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^Sockpit \d+\.\d+\.\d+: a network debugging assistant/);
    expect(stdout).toContain('sockpit tcp-server --port P');
  });

  it('an installed tcp-server and tcp-client talk over 127.0.0.1', async () => {
    const server = npx(
      [
        'tcp-server',
        '--port',
        '0',
        '--host',
        '127.0.0.1',
        '--json',
        '--count',
        '1',
        '--reply',
        'pong',
        '--timeout',
        '20',
      ],
      { timeoutMs: 25_000 },
    );
    const listening = await server.child.waitForLine(/"event":"listening".*"local":"([^"]+)"/, 15_000);
    const client = await npx(
      ['tcp-client', `127.0.0.1:${portOf(listening[1])}`, '--send', 'ping', '--json', '--wait', '2000'],
      { timeoutMs: 20_000 },
    ).exited();
    expect(client.code, client.stderr).toBe(0);
    const served = await server.exited();
    expect(served.code, served.stderr).toBe(0);
    expect(parseNdjson(served.stdout).find((event) => event.event === 'data')).toMatchObject({
      text: 'ping',
      bytes: 4,
    });
    expect(parseNdjson(client.stdout).find((event) => event.event === 'data')).toMatchObject({
      text: 'pong',
      bytes: 4,
    });
  });

  it('the installed browser face serves the UI it was packed with', async () => {
    const installed = path.join(app, 'node_modules', 'sockpit');
    const web = startProgram(
      process.execPath,
      // A data folder inside the test's own: the installed bridge must not touch the real home's workspace.
      [path.join(installed, 'bin', 'web.cjs'), '--port', '0', '--data-dir', path.join(work, 'data')],
      undefined,
      {
        cwd: app,
        env: cleanEnv(),
      },
    );
    const [, url] = await web.waitForLine(
      /^Sockpit is running in your browser at (http:\/\/127\.0\.0\.1:\d+\/)#token=/,
      15_000,
    );
    const page = await fetch(url!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    web.process.kill('SIGTERM');
    expect((await web.exited()).code).toBe(0);
  });
});
