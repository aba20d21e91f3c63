import { LogScan } from '../renderer/src/log/log-scan';
import { compileSearch, EMPTY_QUERY, indexOfBytes, type SearchQuery } from '../renderer/src/log/search';
import { ROW_RX, ROW_TX, SessionLog, StorageBudget } from '../renderer/src/state/log';
import { fmtCount, fmtMs, fmtRatio, median, MiB } from './lib/numbers';
import { atMost, check, finish, newResult, type BenchResult } from './lib/result';

// Searching the log: a renderer log model (the real `SessionLog`) filled with 1,000,000 short lines, as a
// sensor flood leaves it, searched by the real `LogScan` in the slices the page uses, with a yield to the
// event loop between slices as the page yields to input and painting. The one matching row is the newest,
// so the first result comes only after the whole history was read: the worst case. The reference is a
// plain loop over the same rows' bytes with the same byte search, no slices and no matcher.

export interface SearchOptions {
  rows: number;
  reps: number;
}

export const SEARCH_FULL: SearchOptions = { rows: 1_000_000, reps: 5 };
export const SEARCH_SMOKE: SearchOptions = { rows: 50_000, reps: 1 };

/** What the page uses per slice (`SLICE_MS` in renderer/src/state/log-tools.ts). */
const SLICE_MS = 8;
const FIRST_RESULT_GOAL_MS = 300;
/** A browser calls a task longer than this a long task: input waits behind it. */
const LONGEST_SLICE_GOAL_MS = 50;

const NEEDLE = 'ALARM overheat 97.5';

function line(i: number): string {
  const temp = (20 + (i % 70) / 10).toFixed(1);
  return `sensor ${String(i % 997).padStart(4, '0')} seq=${i} temp=${temp} hum=${40 + (i % 30)}%\r\n`;
}

function fillLog(rows: number): SessionLog {
  const log = new SessionLog(new StorageBudget(2048 * MiB), 0, {
    rowsPerSession: Math.ceil((rows + 1) / 65_536) * 65_536,
    bytesPerSession: 256 * MiB,
    totalBytes: 2048 * MiB,
  });
  const encoder = new TextEncoder();
  for (let i = 1; i <= rows; i++) {
    const bytes = encoder.encode(i === rows ? `${NEEDLE} at seq=${i}\r\n` : line(i));
    log.appendRecord(
      i,
      1_700_000_000_000_000 + i * 100,
      i % 5 === 0 ? ROW_TX : ROW_RX,
      'c1',
      '127.0.0.1:5001',
      bytes,
      0,
      bytes.length,
      bytes.length,
    );
  }
  return log;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

interface ScanRun {
  firstResultMs: number;
  longestSliceMs: number;
  slices: number;
  matches: number;
}

async function scanUntilFirst(log: SessionLog, query: SearchQuery): Promise<ScanRun> {
  const compiled = compileSearch(query, 'utf-8');
  if (!compiled.ok) throw new Error(compiled.error);
  const scan = new LogScan(log, compiled.matcher);
  const start = performance.now();
  let longest = 0;
  let slices = 0;
  for (;;) {
    const sliceStart = performance.now();
    const done = scan.step(SLICE_MS);
    longest = Math.max(longest, performance.now() - sliceStart);
    slices++;
    if (scan.matchCount > 0 || done) break;
    await yieldToLoop();
  }
  return { firstResultMs: performance.now() - start, longestSliceMs: longest, slices, matches: scan.matchCount };
}

/** The same rows, the same byte search, in one plain loop. */
function plainLoop(log: SessionLog, needle: Uint8Array): { ms: number; found: number } {
  const start = performance.now();
  let found = -1;
  for (let serial = log.first; serial < log.end; serial++) {
    if (indexOfBytes(log.bytes(serial), needle, false, 0) >= 0) {
      found = serial;
      break;
    }
  }
  return { ms: performance.now() - start, found };
}

export async function benchSearch(
  options: SearchOptions,
  mode: 'full' | 'smoke',
  preliminary: boolean,
): Promise<BenchResult> {
  const started = performance.now();
  const result = newResult('search', 'Log search', mode, preliminary);
  const log = fillLog(options.rows);
  const cases: Array<{ label: string; query: SearchQuery }> = [
    { label: 'text, any case', query: { ...EMPTY_QUERY, text: NEEDLE.toLowerCase() } },
    { label: 'text, exact case', query: { ...EMPTY_QUERY, text: NEEDLE, matchCase: true } },
    { label: 'hex', query: { ...EMPTY_QUERY, text: '41 4C 41 52 4D 20 6F 76', mode: 'hex' } },
    { label: 'regex over decoded text', query: { ...EMPTY_QUERY, text: 'ALARM \\w+ \\d+\\.\\d', mode: 'regex' } },
    { label: 'Tx rows only, text', query: { ...EMPTY_QUERY, text: 'seq=', direction: 'tx', matchCase: true } },
  ];
  const needle = new TextEncoder().encode(NEEDLE);
  const reference: number[] = [];
  const rows: string[][] = [];
  // One unmeasured pass of each search, so the figures are of optimized code as a person's second search would be.
  for (const { query } of cases) await scanUntilFirst(log, query);
  plainLoop(log, new TextEncoder().encode(NEEDLE));
  for (const { label, query } of cases) {
    const runs: ScanRun[] = [];
    for (let rep = 0; rep < options.reps; rep++) {
      reference.push(plainLoop(log, needle).ms);
      runs.push(await scanUntilFirst(log, query));
    }
    const first = median(runs.map((r) => r.firstResultMs));
    const longest = Math.max(...runs.map((r) => r.longestSliceMs));
    const ref = median(reference);
    rows.push([label, fmtMs(first), fmtMs(longest), fmtCount(runs[0].slices), fmtMs(ref), fmtRatio(first / ref)]);
    const expectLast = query.direction === 'both';
    check(
      result,
      `${label}: finds the row`,
      runs.every((r) => r.matches >= 1),
      `matches found: ${runs.map((r) => r.matches).join(', ')}`,
    );
    if (expectLast) {
      result.targets.push(
        atMost(
          `first result, ${label}, match in the last of ${fmtCount(options.rows)} rows`,
          first,
          FIRST_RESULT_GOAL_MS,
          fmtMs,
          `plain loop over the same bytes ${fmtMs(ref)}`,
        ),
      );
    }
    result.targets.push(
      atMost(
        `longest slice, ${label}`,
        longest,
        LONGEST_SLICE_GOAL_MS,
        fmtMs,
        `the page's slice budget ${SLICE_MS} ms`,
      ),
    );
  }
  const plain = plainLoop(log, needle);
  check(result, 'the plain loop finds the same row', plain.found === log.end - 1, `found at serial ${plain.found}`);
  result.tables.push({
    caption: `Time to the first result over ${fmtCount(options.rows)} rows (one match, in the newest row); median of ${options.reps}`,
    head: ['search', 'first result', 'longest slice', 'slices', 'plain loop', 'ratio'],
    rows,
  });
  return finish(result, started);
}
