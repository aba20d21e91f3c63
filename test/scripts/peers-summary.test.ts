import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findProgram, peerNote } from '../helpers/peers';

// The missing-peers line at the end of `npm test`, and the peer detection it reports on.
const ROOT = path.join(__dirname, '..', '..');
const { summarize, playwrightSkips } = createRequire(import.meta.url)(
  path.join(ROOT, 'scripts', 'peers-summary.cjs'),
) as {
  summarize: (notes: Array<string | null>, missingReports?: string[]) => string[];
  playwrightSkips: (report: unknown) => Array<{ title: string; note: string | null }>;
};

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sockpit-peers-'));
  dirs.push(dir);
  return dir;
}

describe('the missing-peers summary', () => {
  it('counts skips per peer, says why once per peer, and keeps other skips apart', () => {
    const notes = [
      peerNote('socat', 'not installed'),
      null,
      peerNote('user nobody', 'node at /home/x/node cannot be run by nobody: EACCES'),
      peerNote('socat', 'not installed'),
      'root may write into any folder',
    ];
    expect(summarize(notes)).toEqual([
      'Skipped for another reason: 1 test (no reason given)',
      'Skipped for another reason: 1 test (root may write into any folder)',
      'Skipped for missing optional peers: socat (2 tests), user nobody (1 test)',
      '  socat: not installed',
      '  user nobody: node at /home/x/node cannot be run by nobody: EACCES',
    ]);
  });

  it('says so when nothing was missing, and names a report it could not read', () => {
    expect(summarize(['no IPv6 here'], ['.playwright-results.json'])).toEqual([
      '(.playwright-results.json is missing: its suite did not run, so its skips are not counted)',
      'Skipped for another reason: 1 test (no IPv6 here)',
      'All optional peers present.',
    ]);
  });

  it("takes Playwright's skips from specs at any depth of its JSON report, with their notes", () => {
    const test = (status: string, note?: string) => ({
      status,
      annotations: note ? [{ type: 'skip', description: note }] : [],
    });
    const report = {
      suites: [
        { title: 'a.spec.ts', specs: [{ title: 'ran', tests: [test('expected')] }] },
        {
          title: 'b.spec.ts',
          specs: [{ title: 'no note', tests: [test('skipped')] }],
          suites: [
            {
              title: 'describe',
              specs: [{ title: 'electron', tests: [test('skipped', peerNote('Electron binary', 'not downloaded'))] }],
            },
          ],
        },
      ],
    };
    expect(playwrightSkips(report)).toEqual([
      { title: 'no note', note: null },
      { title: 'electron', note: 'needs Electron binary (not downloaded)' },
    ]);
  });
});

describe('finding a program', () => {
  it('finds an executable file on PATH, and not a file without the execute bit or a program hidden by /dev/null', () => {
    const bin = tempDir();
    writeFileSync(path.join(bin, 'peer-ok'), '#!/bin/sh\n', { mode: 0o755 });
    writeFileSync(path.join(bin, 'peer-noexec'), '#!/bin/sh\n');
    chmodSync(path.join(bin, 'peer-noexec'), 0o644);
    symlinkSync('/dev/null', path.join(bin, 'peer-hidden'));
    const saved = process.env.PATH;
    process.env.PATH = `${tempDir()}${path.delimiter}${bin}`;
    try {
      expect(findProgram('peer-ok')).toBe(path.join(bin, 'peer-ok'));
      expect(findProgram('peer-noexec')).toBeUndefined();
      expect(findProgram('peer-hidden')).toBeUndefined();
      expect(findProgram('peer-absent')).toBeUndefined();
    } finally {
      process.env.PATH = saved;
    }
  });
});

describe('a test that needs a missing peer', () => {
  it('is skipped with a "needs" note that reaches the reporter and the summary', () => {
    const dir = tempDir();
    const emptyPath = tempDir();
    writeFileSync(
      path.join(dir, 'peer.test.ts'),
      [
        "import { expect, it } from 'vitest';",
        `import { needs } from ${JSON.stringify(path.join(ROOT, 'test', 'helpers', 'peers'))};`,
        "it('uses socat', (ctx) => { needs(ctx, 'socat'); throw new Error('ran without socat'); });",
        "it('needs nothing', () => { expect(1).toBe(1); });",
      ].join('\n'),
    );
    writeFileSync(
      path.join(dir, 'vitest.config.mts'),
      `export default { test: { include: ['peer.test.ts'], reporters: ['default', ${JSON.stringify(path.join(ROOT, 'test', 'helpers', 'skip-notes-reporter.ts'))}] } };\n`,
    );
    // No socat on this PATH: the child finds only node, by its full path.
    const run = spawnSync(
      process.execPath,
      [path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', dir],
      {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, PATH: emptyPath, CI: 'true' },
        timeout: 60_000,
      },
    );
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    const { skipped } = JSON.parse(readFileSync(path.join(dir, '.vitest-skips.json'), 'utf8')) as {
      skipped: Array<{ test: string; note: string }>;
    };
    expect(skipped).toEqual([{ file: 'peer.test.ts', test: 'uses socat', note: 'needs socat (not installed)' }]);
    expect(summarize(skipped.map((s) => s.note))).toEqual([
      'Skipped for missing optional peers: socat (1 test)',
      '  socat: not installed',
    ]);
  });
});
