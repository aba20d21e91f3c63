import { VALUE_CHART_HISTORY, ValueChartStore } from '../renderer/src/charts/value-charts';
import { logStore, ROW_RX } from '../renderer/src/state/log';
import { fmtCount, median } from './lib/numbers';
import { atMost, check, errorText, finish, newResult, type BenchResult } from './lib/result';

// Value charts under a flood: what a chart costs the page per received message, measured in plain Node on
// the renderer's own code. The log's append of the same rows (the work every received record already costs
// the page) is the reference. Both are synchronous and single-threaded, so they are timed in-process.

export interface ChartsOptions {
  /** Messages per run; at most VALUE_CHART_HISTORY, which a new chart reads in one go. */
  messages: number;
  runs: number;
}

export const CHARTS_FULL: ChartsOptions = { messages: VALUE_CHART_HISTORY, runs: 7 };
export const CHARTS_SMOKE: ChartsOptions = { messages: 5_000, runs: 2 };

/**
 * A 100k/s datagram flood may take at most a fifth of the page's main thread for one regex chart: 2 µs a
 * message. This goal is the charts' own (the issue asks for "cheap under a flood" without a figure).
 */
const GOAL_NS = 2000;

function fmtNs(ns: number): string {
  return Number.isFinite(ns) ? `${ns.toFixed(0)} ns` : '—';
}

/** A line a sensor might send: a temperature among other words, 40 bytes. */
function message(i: number): Uint8Array {
  const celsius = (20 + (i % 1000) / 100).toFixed(2);
  return new TextEncoder().encode(`T=${celsius} status OK seq=${String(i).padStart(10, '0')}\n`);
}

export async function benchCharts(
  options: ChartsOptions,
  mode: 'full' | 'smoke',
  preliminary = false,
): Promise<BenchResult> {
  const started = performance.now();
  const result = newResult('charts', 'Value charts under a flood', mode, preliminary);
  // The log tells its followers once per animation frame; plain Node has none, and nothing here waits for one.
  const page = globalThis as unknown as { requestAnimationFrame?: (callback: (now: number) => void) => unknown };
  page.requestAnimationFrame ??= (callback) => setTimeout(() => callback(performance.now()), 0);
  try {
    const lines = Array.from({ length: options.messages }, (_, i) => message(i));
    const sessions = new Set<string>();
    const charts = new ValueChartStore({ exists: (id) => sessions.has(id), encoding: () => 'utf-8' });
    const appendNs: number[] = [];
    const chartNs: number[] = [];
    for (let run = 0; run < options.runs; run++) {
      const sessionId = `bench-charts-${run}`;
      sessions.add(sessionId);
      const log = logStore.log(sessionId);
      let at = performance.now();
      for (let i = 0; i < lines.length; i++) {
        const bytes = lines[i]!;
        log.appendRecord(
          i + 1,
          (1_700_000_000 + i) * 1e6,
          ROW_RX,
          'c1',
          '127.0.0.1:9',
          bytes,
          0,
          bytes.length,
          bytes.length,
        );
      }
      appendNs.push(((performance.now() - at) * 1e6) / lines.length);
      // A new chart reads the rows already in the log in one go, through the same adapter live rows take.
      at = performance.now();
      const added = charts.add(sessionId, {
        title: 'bench',
        series: [{ name: 'T', extractor: { kind: 'regex', pattern: 'T=(-?\\d+\\.\\d+)' } }],
      });
      chartNs.push(((performance.now() - at) * 1e6) / lines.length);
      if (!added.ok) throw new Error('the benchmark chart was refused');
      const ring = added.chart.ring;
      if (run === 0) {
        check(
          result,
          'one point per message',
          ring.length === lines.length,
          `${fmtCount(ring.length)} points from ${fmtCount(lines.length)} messages`,
        );
        const expected = 20 + ((lines.length - 1) % 1000) / 100;
        check(
          result,
          'the newest point is the newest message’s value',
          Math.abs(ring.last(1) - expected) < 1e-9,
          `${ring.last(1)} (expected ${expected})`,
        );
      }
      charts.remove(added.chart);
      sessions.delete(sessionId);
      logStore.drop(sessionId);
    }
    const chart = median(chartNs);
    const append = median(appendNs);
    result.targets.push(
      atMost(
        'a regex value chart, per received message (decode, match, store)',
        chart,
        GOAL_NS,
        fmtNs,
        `the log's own append: ${fmtNs(append)} a message`,
      ),
    );
    result.tables.push({
      caption: `Per message, ${fmtCount(options.messages)} messages of 40 B, median of ${options.runs} runs`,
      head: ['work', 'median', 'runs'],
      rows: [
        ['log append (reference)', fmtNs(append), appendNs.map(fmtNs).join(', ')],
        ['regex value chart', fmtNs(chart), chartNs.map(fmtNs).join(', ')],
      ],
    });
    if (chart > GOAL_NS)
      result.why.push(
        `At ${fmtNs(chart)} a message, a 100k/s flood takes ${((chart * 100_000) / 1e7).toFixed(0)} % of the main thread.`,
      );
  } catch (err) {
    result.error = errorText(err);
  }
  return finish(result, started);
}
