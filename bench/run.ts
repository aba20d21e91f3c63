// `npm run bench [-- NAME… | --smoke | --preliminary]`: runs the benchmarks and writes docs/PERFORMANCE.md.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { benchBrowser, type BrowserBench } from './browser';
import { benchCharts, CHARTS_FULL, CHARTS_SMOKE } from './charts';
import { benchConnections, CONNECTIONS_FULL, CONNECTIONS_SMOKE } from './connections';
import { benchDrift, DRIFT_FULL, DRIFT_SMOKE } from './drift';
import { benchEcho, ECHO_FULL, ECHO_SMOKE } from './echo';
import { benchFraming, FRAMING_FULL, FRAMING_SMOKE } from './framing';
import { benchFile, FILE_FULL, FILE_SMOKE } from './file';
import { ROOT } from './lib/children';
import { appendHistory, commitLabel, seedHistory } from './lib/history';
import { describeMachine, type Machine } from './lib/machine';
import { BENCH_NAMES, errorText, newResult, type BenchName, type BenchResult } from './lib/result';
import { renderReport, type StoredResults } from './report';
import { benchSearch, SEARCH_FULL, SEARCH_SMOKE } from './search';
import { benchTcp, TCP_FULL, TCP_SMOKE } from './tcp';
import { benchUdp, UDP_FULL, UDP_SMOKE } from './udp';

const RESULTS = path.join(ROOT, 'bench', 'results.json');
const DOC = path.join(ROOT, 'docs', 'PERFORMANCE.md');

const USAGE = `Usage: npm run bench -- [NAME…] [--smoke] [--preliminary] [--write | --no-write] [--render]

Runs Sockpit's benchmarks side by side with bare Node, and writes docs/PERFORMANCE.md.
  NAME            ${BENCH_NAMES.join(', ')} (default: all)
  --smoke         small sizes, correctness only; prints the results and writes nothing unless --write
  --preliminary   mark the results as taken on a busy machine
  --write         write bench/results.json and docs/PERFORMANCE.md (the default at full scale)
  --no-write      only print
  --render        run nothing: write docs/PERFORMANCE.md again from bench/results.json`;

interface Args {
  render: boolean;
  names: BenchName[];
  smoke: boolean;
  preliminary: boolean;
  write: boolean;
}

function parseArgs(argv: string[]): Args | string {
  const names: BenchName[] = [];
  let smoke = false;
  let preliminary = false;
  let write: boolean | undefined;
  let render = false;
  for (const arg of argv) {
    if (arg === '--smoke') smoke = true;
    else if (arg === '--render') render = true;
    else if (arg === '--preliminary') preliminary = true;
    else if (arg === '--write') write = true;
    else if (arg === '--no-write') write = false;
    else if (arg === '--help' || arg === '-h') return USAGE;
    else if ((BENCH_NAMES as readonly string[]).includes(arg)) names.push(arg as BenchName);
    else return `Unknown benchmark or option "${arg}".\n\n${USAGE}`;
  }
  return { render, names: names.length > 0 ? names : [...BENCH_NAMES], smoke, preliminary, write: write ?? !smoke };
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function print(result: BenchResult): void {
  say(`\n== ${result.title} (${result.mode}, ${(result.durationMs / 1000).toFixed(1)} s) ==`);
  if (result.skipped) say(`skipped: ${result.skipped}`);
  if (result.error) say(`DID NOT FINISH: ${result.error}`);
  for (const t of result.targets) {
    say(
      `  ${t.met === undefined ? '?' : t.met ? 'ok  ' : 'MISS'} ${t.what}: ${t.figure} (target ${t.goal}; ${t.reference})${t.missedBy ? ` — ${t.missedBy}` : ''}`,
    );
  }
  for (const c of result.checks) if (!c.ok) say(`  CHECK FAILED ${c.what}: ${c.detail}`);
  say(`  ${result.checks.filter((c) => c.ok).length}/${result.checks.length} correctness checks passed`);
  for (const line of result.why) say(`  · ${line}`);
}

type NodeBench = Exclude<BenchName, BrowserBench>;

function isBrowserBench(name: BenchName): name is BrowserBench {
  return name === 'window' || name === 'redecode' || name === 'reframe' || name === 'flood';
}

async function runOne(name: NodeBench, smoke: boolean, preliminary: boolean): Promise<BenchResult> {
  const mode = smoke ? 'smoke' : 'full';
  switch (name) {
    case 'tcp':
      return benchTcp(smoke ? TCP_SMOKE : TCP_FULL, mode, preliminary);
    case 'udp':
      return benchUdp(smoke ? UDP_SMOKE : UDP_FULL, mode, preliminary);
    case 'connections':
      return benchConnections(smoke ? CONNECTIONS_SMOKE : CONNECTIONS_FULL, mode, preliminary);
    case 'echo':
      return benchEcho(smoke ? ECHO_SMOKE : ECHO_FULL, mode, preliminary);
    case 'framing':
      return benchFraming(smoke ? FRAMING_SMOKE : FRAMING_FULL, mode, preliminary);
    case 'drift':
      return benchDrift(smoke ? DRIFT_SMOKE : DRIFT_FULL, mode, preliminary);
    case 'charts':
      return benchCharts(smoke ? CHARTS_SMOKE : CHARTS_FULL, mode, preliminary);
    case 'search':
      return benchSearch(smoke ? SEARCH_SMOKE : SEARCH_FULL, mode, preliminary);
    case 'file':
      return benchFile(smoke ? FILE_SMOKE : FILE_FULL, mode, preliminary);
  }
}

function strip(result: BenchResult): BenchResult {
  // The raw per-run data stays out of the stored file: the tables already carry every run.
  const {
    name,
    title,
    mode,
    preliminary,
    startedAt,
    durationMs,
    loadAtStart,
    loadAtEnd,
    commands,
    targets,
    checks,
    tables,
    why,
    skipped,
    error,
  } = result;
  return {
    name,
    title,
    mode,
    preliminary,
    startedAt,
    durationMs,
    loadAtStart,
    loadAtEnd,
    commands,
    targets,
    checks,
    tables,
    why,
    skipped,
    error,
  };
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    say(args);
    return args === USAGE ? 0 : 2;
  }
  if (args.render) {
    if (!existsSync(RESULTS)) {
      say(`${path.relative(ROOT, RESULTS)} does not exist yet: run the benchmarks first.`);
      return 1;
    }
    writeFileSync(DOC, renderReport(JSON.parse(readFileSync(RESULTS, 'utf8'))));
    say(`Wrote ${path.relative(ROOT, DOC)} from ${path.relative(ROOT, RESULTS)}.`);
    return 0;
  }
  const machine: Machine = describeMachine();
  say(
    `Sockpit benchmarks: ${args.names.join(', ')} — ${args.smoke ? 'smoke' : 'full'} scale on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, load ${machine.loadAtStart.toFixed(2)}`,
  );
  if (!args.smoke && machine.loadAtStart > 0.5 && !args.preliminary) {
    say('Note: the machine is busy (1-minute load above 0.5); the timings will be noisy. --preliminary marks them so.');
  }
  const done: BenchResult[] = [];
  const mode = args.smoke ? 'smoke' : 'full';
  for (const name of args.names) {
    if (isBrowserBench(name)) continue;
    let result: BenchResult;
    try {
      result = await runOne(name, args.smoke, args.preliminary);
    } catch (err) {
      result = { ...newResult(name, name, mode, args.preliminary), error: errorText(err) };
    }
    print(result);
    done.push(result);
  }
  // The browser benchmarks share one build of the UI and one Playwright run.
  const browserNames = args.names.filter(isBrowserBench);
  let chromium: string | undefined;
  if (browserNames.length > 0) {
    const browser = await benchBrowser(browserNames, mode, args.preliminary);
    chromium = browser.chromium;
    for (const result of browser.results) print(result);
    done.push(...browser.results);
  }

  if (args.write) {
    const stored: StoredResults = existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, 'utf8')) : {};
    stored.history = appendHistory(stored.history ?? seedHistory(stored), done, commitLabel(ROOT));
    for (const result of done)
      stored[result.name] = { ...strip(result), machine: { ...machine, ...(chromium ? { chromium } : {}) } };
    writeFileSync(RESULTS, `${JSON.stringify(stored, null, 2)}\n`);
    writeFileSync(DOC, renderReport(stored));
    say(`\nWrote ${path.relative(ROOT, DOC)} and ${path.relative(ROOT, RESULTS)}.`);
  }
  const broken = done.filter((r) => r.error || r.checks.some((c) => !c.ok));
  if (broken.length > 0)
    say(
      `\n${broken.length} benchmark(s) broke or failed a correctness check: ${broken.map((r) => r.name).join(', ')}.`,
    );
  return broken.length > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
