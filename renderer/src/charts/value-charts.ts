import { chartCsv } from './csv';
import { compileExtractor, RowExtractor, type Extractor, type ExtractorProblem, type ExtractorSpec } from './extract';
import { ColumnRing } from './ring';
import { followReceivedMessages, type SessionFacts } from './rx-messages';

/**
 * Rows a value chart keeps: each row is one value per series at one message's time, so this is also the
 * most points any one series holds. 100,000 rows of a four-series chart take 100,000 × 5 × 8 B ≈ 4 MB.
 */
export const VALUE_CHART_ROWS = 100_000;
/** Messages already in the log that a new chart reads first, so it does not start empty. */
export const VALUE_CHART_HISTORY = 100_000;
/** Series one chart may have: each is a line and a column of the export. */
export const MAX_SERIES = 8;

export interface SeriesSpec {
  name: string;
  extractor: ExtractorSpec;
}

export interface ChartSpec {
  title: string;
  series: SeriesSpec[];
}

export type ChartProblem = { series: number } & ExtractorProblem;

type Listener = () => void;

/**
 * One value chart: its series, their extractors and the points they gave. Points arrive outside React
 * (`followReceivedMessages`) into a ring; the view draws from the ring when `version` moves.
 */
export class ValueChart {
  readonly ring: ColumnRing;
  /** Moves with every point taken, so a view redraws only when something changed. */
  version = 0;
  /**
   * Paused: the picture and its summary stand still, while points keep being collected (and the export
   * has them all); resuming shows everything that came meanwhile.
   */
  paused = false;
  private readonly stopFollowing: () => void;
  private readonly rows: RowExtractor;

  constructor(
    readonly id: string,
    readonly sessionId: string,
    readonly title: string,
    readonly series: readonly SeriesSpec[],
    extractors: readonly Extractor[],
    private readonly changed: (chart: ValueChart) => void,
    facts: SessionFacts,
  ) {
    this.ring = new ColumnRing(1 + series.length, VALUE_CHART_ROWS);
    this.rows = new RowExtractor(extractors);
    const needsText = this.rows.needsText;
    this.stopFollowing = followReceivedMessages(
      sessionId,
      (bytes, text, timeUs) => this.take(bytes, needsText ? text() : '', timeUs),
      VALUE_CHART_HISTORY,
      facts,
    );
  }

  /** One message's values (see `RowExtractor`), pushed into the ring. */
  take(bytes: Uint8Array, text: string, timeUs: number): void {
    if (this.rows.rows(bytes, text, timeUs, this.push) === 0) return;
    this.version++;
    this.changed(this);
  }

  private readonly push = (row: Float64Array) => this.ring.push(row);

  csv(): string {
    return chartCsv(
      this.series.map((series) => series.name),
      this.ring,
    );
  }

  dispose(): void {
    this.stopFollowing();
  }
}

/** Every value chart of every session, outside React: adding and removing them is rare, points are not. */
export class ValueChartStore {
  private readonly charts = new Map<string, ValueChart[]>();
  private readonly listListeners = new Set<Listener>();
  private readonly pointListeners = new Map<ValueChart, Set<Listener>>();
  private nextId = 1;

  constructor(private readonly facts: SessionFacts) {}

  /** The charts of a session; the same array until one is added, removed, paused or resumed. */
  of(sessionId: string): readonly ValueChart[] {
    return this.charts.get(sessionId) ?? NONE;
  }

  /** Checks every series and makes the chart; nothing is made when any series has a problem. */
  add(sessionId: string, spec: ChartSpec): { ok: true; chart: ValueChart } | { ok: false; problems: ChartProblem[] } {
    const problems: ChartProblem[] = [];
    const extractors: Extractor[] = [];
    spec.series.forEach((series, index) => {
      const compiled = compileExtractor(series.extractor);
      if (compiled.ok) extractors.push(compiled.extractor);
      else problems.push({ series: index, ...compiled.problem });
    });
    if (problems.length > 0) return { ok: false, problems };
    const id = `chart-${this.nextId++}`;
    const chart = new ValueChart(
      id,
      sessionId,
      spec.title,
      spec.series,
      extractors,
      (changed) => this.pointsChanged(changed),
      this.facts,
    );
    this.charts.set(sessionId, [...this.of(sessionId), chart]);
    this.listChanged();
    return { ok: true, chart };
  }

  remove(chart: ValueChart): void {
    chart.dispose();
    this.pointListeners.delete(chart);
    const left = this.of(chart.sessionId).filter((other) => other !== chart);
    if (left.length > 0) this.charts.set(chart.sessionId, left);
    else this.charts.delete(chart.sessionId);
    this.listChanged();
  }

  setPaused(chart: ValueChart, paused: boolean): void {
    chart.paused = paused;
    this.charts.set(chart.sessionId, [...this.of(chart.sessionId)]);
    this.listChanged();
    this.pointsChanged(chart);
  }

  subscribeList(listener: Listener): () => void {
    this.listListeners.add(listener);
    return () => this.listListeners.delete(listener);
  }

  /** Called after new points, at most once per animation frame however many messages came. */
  subscribePoints(chart: ValueChart, listener: Listener): () => void {
    let set = this.pointListeners.get(chart);
    if (!set) this.pointListeners.set(chart, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  private readonly dirty = new Set<ValueChart>();
  private frame: number | undefined;

  private pointsChanged(chart: ValueChart): void {
    this.dirty.add(chart);
    this.frame ??= frames.requestAnimationFrame(() => {
      this.frame = undefined;
      const charts = [...this.dirty];
      this.dirty.clear();
      for (const dirty of charts) for (const listener of this.pointListeners.get(dirty) ?? []) listener();
    });
  }

  private listChanged(): void {
    for (const listener of this.listListeners) listener();
  }

  /** A removed session takes its charts with it; the app calls this when its sessions change. */
  sessionsChanged(): void {
    for (const [sessionId, charts] of this.charts)
      if (!this.facts.exists(sessionId)) for (const chart of charts) this.remove(chart);
  }
}

const NONE: readonly ValueChart[] = [];

/** The page's frame clock, typed here rather than from the DOM library, so the store also loads in plain Node. */
const frames = globalThis as unknown as { requestAnimationFrame(callback: (now: number) => void): number };
