import { spawnSync } from 'node:child_process';
import type { BenchName, BenchResult, Target } from './result';

// The headline figures of every full run, kept in bench/results.json across runs (the newest
// HISTORY_LENGTH per figure), so docs/PERFORMANCE.md can show a short table per figure: a regression shows
// as a figure that moved against the commits around it.

export const HISTORY_LENGTH = 20;

export interface HistoryPoint {
  /** When the run started (ISO). */
  date: string;
  /** The figure as the report prints it, e.g. "0.93×". */
  figure: string;
  goal: string;
  met: boolean | undefined;
  /** `git rev-parse --short HEAD` of the code measured, "+dirty" when it had uncommitted changes. */
  commit: string;
  preliminary: boolean;
}

/** Headline figure ("TCP ingest: ingest rate, Sockpit ÷ bare Node (medians)") → its points, oldest first. */
export type History = Record<string, HistoryPoint[]>;

/** Files `npm run bench` itself rewrites: changing them does not make the measured code dirty. */
const GENERATED = ['bench/results.json', 'docs/PERFORMANCE.md'];

/**
 * The ingest ratios and CPU (TCP), losses and ratios (UDP), and the window's frame rates and Pause-view
 * click: the figures a regression in the hot path moves first.
 */
export function isHeadline(name: BenchName | string, target: Pick<Target, 'what'>): boolean {
  if (name === 'tcp' || name === 'udp') return true;
  return /frame rate|fps|pause view/i.test(target.what);
}

export function historyKey(result: Pick<BenchResult, 'title'>, target: Pick<Target, 'what'>): string {
  return `${result.title}: ${target.what}`;
}

/**
 * Adds this run's headline figures to `history` (a new object; the old one is left alone). Smoke runs are
 * not figures and are left out, as are targets that were not measured.
 */
export function appendHistory(history: History, results: readonly BenchResult[], commit: string): History {
  const next: History = Object.fromEntries(Object.entries(history).map(([key, points]) => [key, [...points]]));
  for (const result of results) {
    if (result.mode !== 'full') continue;
    for (const target of result.targets) {
      if (!isHeadline(result.name, target) || target.met === undefined) continue;
      const points = (next[historyKey(result, target)] ??= []);
      points.push({
        date: result.startedAt,
        figure: target.figure,
        goal: target.goal,
        met: target.met,
        commit,
        preliminary: result.preliminary,
      });
      points.splice(0, Math.max(0, points.length - HISTORY_LENGTH));
    }
  }
  return next;
}

/**
 * History for results stored before history was kept: each stored headline figure becomes its first point,
 * its commit unknown.
 */
export function seedHistory(stored: Partial<Record<BenchName, BenchResult>>): History {
  const results = Object.values(stored).filter((r): r is BenchResult => Boolean(r && r.targets));
  return appendHistory({}, results, 'unknown');
}

/** The commit being measured, "+dirty" if tracked files other than the generated ones have changed. */
export function commitLabel(root: string): string {
  const git = (args: string[]) => spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  const head = git(['rev-parse', '--short', 'HEAD']);
  if (head.status !== 0) return 'unknown';
  const status = git(['status', '--porcelain', '--untracked-files=no', '--', '.', ...GENERATED.map((f) => `:!${f}`)]);
  const dirty = status.status !== 0 || status.stdout.trim() !== '';
  return `${head.stdout.trim()}${dirty ? '+dirty' : ''}`;
}

/** Markdown for the history section: one short table per headline figure, oldest run first. */
export function renderHistory(history: History | undefined): string[] {
  const out: string[] = ['## History', ''];
  const keys = Object.keys(history ?? {});
  if (!history || keys.length === 0) {
    out.push('_No full runs recorded yet: each `npm run bench` at full scale adds its headline figures here._', '');
    return out;
  }
  out.push(
    `The headline figures of the last ${HISTORY_LENGTH} full runs each, oldest first, with the commit measured ` +
      '("+dirty": with uncommitted changes). A figure that moves against its neighbours at one commit is a regression to look at.',
    '',
  );
  for (const key of keys) {
    const points = history[key]!;
    const goal = points[points.length - 1]?.goal ?? '';
    out.push(`**${key}** (target ${goal})`, '');
    out.push('| date | figure |  | commit |');
    out.push('|---|---|---|---|');
    for (const point of points) {
      const verdict = point.met === undefined ? '' : point.met ? 'met' : '**missed**';
      const date = `${point.date.slice(0, 16).replace('T', ' ')}${point.preliminary ? ' (preliminary)' : ''}`;
      out.push(`| ${date} | ${point.figure} | ${verdict} | ${point.commit} |`);
    }
    out.push('');
  }
  return out;
}
