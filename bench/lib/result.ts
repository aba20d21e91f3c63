import os from 'node:os';

// What every benchmark hands back: the figures it measured next to their references and targets, the
// correctness checks (the part the CI smoke asserts), and the exact commands that produced it.

export type BenchName =
  | 'tcp'
  | 'udp'
  | 'connections'
  | 'echo'
  | 'window'
  | 'redecode'
  | 'framing'
  | 'drift'
  | 'charts'
  | 'search'
  | 'file'
  | 'reframe'
  | 'flood';
export const BENCH_NAMES: readonly BenchName[] = [
  'tcp',
  'udp',
  'connections',
  'echo',
  'window',
  'redecode',
  'framing',
  'drift',
  'charts',
  'search',
  'file',
  'reframe',
  'flood',
];

export interface Target {
  /** What is compared, e.g. "ingest rate, Sockpit / bare Node". */
  what: string;
  /** Sockpit's figure, formatted. */
  figure: string;
  /** The same measured for the reference in this run (or the issue's reference figure), formatted. */
  reference: string;
  /** The goal from the issue, formatted, e.g. "≥ 0.9×". */
  goal: string;
  /** undefined: not measured (skipped, or failed before it could be). */
  met: boolean | undefined;
  /** For a missed target: by how much, in words ("0.07× short, 8 %"). */
  missedBy?: string;
}

export interface Check {
  what: string;
  ok: boolean;
  detail: string;
}

export interface Table {
  caption: string;
  head: string[];
  rows: string[][];
}

export interface BenchResult {
  name: BenchName;
  title: string;
  mode: 'full' | 'smoke';
  /** Marked by --preliminary: the machine was shared, so the timings are indications only. */
  preliminary: boolean;
  startedAt: string;
  durationMs: number;
  loadAtStart: number;
  loadAtEnd: number;
  /** How to run just this benchmark, and what it ran (peers included). */
  commands: string[];
  targets: Target[];
  checks: Check[];
  tables: Table[];
  /** What the numbers say about a missed target, derived from the run's own measurements. */
  why: string[];
  /** Set when the benchmark could not run here, with the reason. */
  skipped?: string;
  /** Set when it broke; the figures before the failure are kept. */
  error?: string;
}

export function newResult(name: BenchName, title: string, mode: 'full' | 'smoke', preliminary: boolean): BenchResult {
  return {
    name,
    title,
    mode,
    preliminary,
    startedAt: new Date().toISOString(),
    durationMs: 0,
    loadAtStart: os.loadavg()[0] ?? 0,
    loadAtEnd: 0,
    commands: [`npm run bench -- ${name}${mode === 'smoke' ? ' --smoke' : ''}`],
    targets: [],
    checks: [],
    tables: [],
    why: [],
  };
}

export function finish(result: BenchResult, startedMs: number): BenchResult {
  result.durationMs = performance.now() - startedMs;
  result.loadAtEnd = os.loadavg()[0] ?? 0;
  return result;
}

/** A target where a higher figure is better (a rate, a ratio): met when figure ≥ goal. */
export function atLeast(
  what: string,
  figure: number,
  goal: number,
  format: (n: number) => string,
  reference: string,
): Target {
  const met = Number.isFinite(figure) ? figure >= goal : undefined;
  return {
    what,
    figure: format(figure),
    reference,
    goal: `≥ ${format(goal)}`,
    met,
    missedBy:
      met === false
        ? `${format(goal - figure)} short (${(((goal - figure) / goal) * 100).toFixed(1)} % under)`
        : undefined,
  };
}

/** A target where a lower figure is better (a latency, memory): met when figure ≤ goal. */
export function atMost(
  what: string,
  figure: number,
  goal: number,
  format: (n: number) => string,
  reference: string,
): Target {
  const met = Number.isFinite(figure) ? figure <= goal : undefined;
  return {
    what,
    figure: format(figure),
    reference,
    goal: `≤ ${format(goal)}`,
    met,
    missedBy:
      met === false
        ? `${format(figure - goal)} over${goal > 0 ? ` (${(((figure - goal) / goal) * 100).toFixed(1)} % over)` : ''}`
        : undefined,
  };
}

export function check(result: BenchResult, what: string, ok: boolean, detail: string): void {
  result.checks.push({ what, ok, detail });
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Runs every side once per repetition, reversing the order every other time (A B, B A, A B …), so a
 * machine that slows down or warms up during a benchmark weighs on each side alike.
 */
export async function alternating<S, R>(
  sides: readonly S[],
  reps: number,
  run: (side: S) => Promise<R>,
  into: R[],
): Promise<void> {
  for (let rep = 0; rep < reps; rep++) {
    const order = rep % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) into.push(await run(side));
  }
}
