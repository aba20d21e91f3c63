import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendHistory, commitLabel, HISTORY_LENGTH, seedHistory } from '../../bench/lib/history';
import { atLeast, newResult, type BenchResult } from '../../bench/lib/result';
import { renderReport, type StoredResults } from '../../bench/report';
import { ROOT } from '../helpers/processes';

// docs/PERFORMANCE.md's history: each full run's headline figures are appended to bench/results.json (a
// temporary copy here: the real files are the integrator's) and rendered as one short table per figure.

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sockpit-history-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function tcpRun(ratio: number, startedAt: string, mode: 'full' | 'smoke' = 'full'): BenchResult {
  const result = newResult('tcp', 'TCP ingest', mode, false);
  result.startedAt = startedAt;
  result.targets.push(
    atLeast('ingest rate, Sockpit ÷ bare Node (medians)', ratio, 0.9, (n) => `${n.toFixed(2)}×`, 'bare'),
  );
  return result;
}

/** The rows of the history table under `heading` in the rendered report. */
function historyRows(doc: string, heading: string): string[] {
  const section = doc.slice(doc.indexOf('## History'), doc.indexOf('## Machine'));
  const start = section.indexOf(`**${heading}**`);
  expect(start).toBeGreaterThanOrEqual(0);
  const lines = section.slice(start).split('\n');
  const rows: string[] = [];
  for (const line of lines.slice(4)) {
    if (!line.startsWith('| ')) break;
    rows.push(line);
  }
  return rows;
}

describe('PERFORMANCE.md history', () => {
  it('a copy of bench/results.json keeps its figures as the first points, then each full run adds its own', () => {
    const file = path.join(dir, 'results.json');
    copyFileSync(path.join(ROOT, 'bench', 'results.json'), file);
    const stored: StoredResults = JSON.parse(readFileSync(file, 'utf8'));
    // As the file was before it kept a history: its stored figures become the first points.
    delete stored.history;
    const before = stored.tcp!.targets[0]!.figure;

    stored.history = appendHistory(seedHistory(stored), [tcpRun(0.93, '2026-12-01T10:00:00.000Z')], 'abc1234');
    stored.history = appendHistory(stored.history, [tcpRun(0.71, '2026-12-02T10:00:00.000Z')], 'def5678+dirty');
    // A smoke run is not a figure.
    stored.history = appendHistory(stored.history, [tcpRun(5, '2026-12-03T10:00:00.000Z', 'smoke')], 'fff0000');
    writeFileSync(file, JSON.stringify(stored));

    const doc = renderReport(JSON.parse(readFileSync(file, 'utf8')));
    const rows = historyRows(doc, 'TCP ingest: ingest rate, Sockpit ÷ bare Node (medians)');
    expect(rows).toHaveLength(3);
    expect(rows[0]).toContain(`| ${before} |`);
    expect(rows[0]).toContain('| unknown |');
    expect(rows[1]).toBe('| 2026-12-01 10:00 | 0.93× | met | abc1234 |');
    expect(rows[2]).toBe('| 2026-12-02 10:00 | 0.71× | **missed** | def5678+dirty |');
    // UDP's stored headline figures are seeded too; a benchmark with no headline figure has no table.
    expect(doc).toContain('**UDP ingest: 64 B, paced 100k/s: datagrams lost by Sockpit**');
    expect(doc).not.toContain('**Log search:');
  });

  it(`keeps the last ${HISTORY_LENGTH} points of each figure`, () => {
    let history = {};
    for (let i = 0; i < HISTORY_LENGTH + 5; i++)
      history = appendHistory(
        history,
        [tcpRun(0.5 + i / 100, `2026-12-${String(1 + i).padStart(2, '0')}T08:00:00.000Z`)],
        `c${i}`,
      );
    const rows = historyRows(renderReport({ history }), 'TCP ingest: ingest rate, Sockpit ÷ bare Node (medians)');
    expect(rows).toHaveLength(HISTORY_LENGTH);
    expect(rows[0]).toContain('| c5 |');
    expect(rows[HISTORY_LENGTH - 1]).toContain('| c24 |');
  });

  it('names the commit measured, "+dirty" for changed code but not for the files the benchmark writes', () => {
    const git = (...args: string[]) => {
      const run = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      return run.stdout.trim();
    };
    git('init', '-q');
    git('config', 'user.email', 'bench@example.com');
    git('config', 'user.name', 'bench');
    for (const file of ['engine.ts', 'bench/results.json', 'docs/PERFORMANCE.md']) {
      spawnSync('mkdir', ['-p', path.dirname(path.join(dir, file))]);
      writeFileSync(path.join(dir, file), 'one\n');
    }
    git('add', '.');
    git('commit', '-qm', 'first');
    const head = git('rev-parse', '--short', 'HEAD');
    expect(commitLabel(dir)).toBe(head);
    writeFileSync(path.join(dir, 'bench/results.json'), 'two\n');
    writeFileSync(path.join(dir, 'docs/PERFORMANCE.md'), 'two\n');
    expect(commitLabel(dir)).toBe(head);
    writeFileSync(path.join(dir, 'engine.ts'), 'two\n');
    expect(commitLabel(dir)).toBe(`${head}+dirty`);
  });
});
