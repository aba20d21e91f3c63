import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './lib/children';
import { resolveChromium, type ChromiumChoice } from '../scripts/chromium.cjs';
import { chromiumVersion } from './lib/machine';
import { finish, newResult, type BenchResult } from './lib/result';

// 5 and 6 run in the browser: Playwright drives the real UI in Chromium against the real bridge. The
// scenarios live in e2e/bench.spec.ts and e2e/bench-flood.spec.ts, which are also the CI smoke (small sizes,
// correctness only); here they run at full scale and hand their figures back through a JSON file.

export type BrowserBench = 'window' | 'redecode' | 'reframe' | 'flood';

const TITLES: Record<BrowserBench, string> = {
  window: 'The window under flood',
  redecode: 'Re-decode',
  reframe: 'Re-frame',
  flood: 'The tab under a sustained flood',
};
/**
 * The whole Playwright run, build excluded: the flood is 30 s and the re-decode history takes a few minutes to send.
 */
const RUN_TIMEOUT_MS = 20 * 60_000;

function failed(
  name: BrowserBench,
  mode: 'full' | 'smoke',
  preliminary: boolean,
  why: { skipped?: string; error?: string },
): BenchResult {
  const started = performance.now();
  return finish({ ...newResult(name, TITLES[name], mode, preliminary), ...why }, started);
}

async function run(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<number | null> {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return code;
}

export async function benchBrowser(
  names: BrowserBench[],
  mode: 'full' | 'smoke',
  preliminary: boolean,
): Promise<{ results: BenchResult[]; chromium?: string }> {
  // The same Chromium the end-to-end suite uses: CHROMIUM_PATH, the system's, or the one npm installed.
  let choice: ChromiumChoice;
  try {
    choice = await resolveChromium();
  } catch (err) {
    const skipped = `no Chromium (${err instanceof Error ? err.message : String(err)})`;
    return { results: names.map((name) => failed(name, mode, preliminary, { skipped })) };
  }
  const chromium = chromiumVersion(choice.path);

  process.stdout.write('\nBuilding the UI (electron-vite build) for the browser benchmarks…\n');
  const viteBin = path.join(
    path.dirname(require.resolve('electron-vite/package.json', { paths: [ROOT] })),
    'bin',
    'electron-vite.js',
  );
  const built = await run(process.execPath, [viteBin, 'build'], process.env, 5 * 60_000);
  if (built !== 0) {
    return {
      results: names.map((name) =>
        failed(name, mode, preliminary, { error: `electron-vite build exited with ${built}` }),
      ),
      chromium,
    };
  }

  const outDir = mkdtempSync(path.join(os.tmpdir(), 'sockpit-bench-browser-'));
  const outFile = path.join(outDir, 'results.json');
  try {
    const cli = path.join(path.dirname(require.resolve('@playwright/test/package.json', { paths: [ROOT] })), 'cli.js');
    const grep = names.map((name) => `bench ${name}`).join('|');
    const code = await run(
      process.execPath,
      // Its own output folder: Playwright empties the one it writes to, and others may be running tests here.
      [
        cli,
        'test',
        'e2e/bench.spec.ts',
        'e2e/bench-flood.spec.ts',
        '--reporter=list',
        '--grep',
        grep,
        '--output',
        path.join(outDir, 'test-results'),
      ],
      {
        ...process.env,
        CHROMIUM_PATH: choice.path,
        SOCKPIT_BENCH: mode,
        SOCKPIT_BENCH_OUT: outFile,
        ...(preliminary ? { SOCKPIT_BENCH_PRELIMINARY: '1' } : {}),
      },
      RUN_TIMEOUT_MS,
    );
    const written: BenchResult[] = existsSync(outFile) ? JSON.parse(readFileSync(outFile, 'utf8')) : [];
    const results = names.map(
      (name) =>
        written.find((result) => result.name === name) ??
        failed(name, mode, preliminary, {
          error: `Playwright exited with ${code} before this benchmark wrote its figures; see its output above`,
        }),
    );
    return { results, chromium };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
