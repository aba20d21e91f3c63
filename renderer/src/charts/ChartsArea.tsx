import 'uplot/dist/uPlot.min.css';
import './charts.css';
import { memo, useEffect, useId, useRef, useState, useSyncExternalStore, type RefObject } from 'react';
import uPlot from 'uplot';
import { create } from 'zustand';
import { useT, type Translate } from '../i18n';
import { formatBytes } from '../log/format';
import { useApp } from '../state/store';
import { BINARY_TYPES, type BinaryType, type Endianness, type ExtractorSpec } from './extract';
import {
  formatCount,
  plotColours,
  PLOT_HEIGHT,
  throughputData,
  throughputOptions,
  valueData,
  valueOptions,
} from './plot';
import { T_BYTES_IN, T_BYTES_OUT, T_MESSAGES_IN, T_MESSAGES_OUT, type ThroughputTracker } from './throughput';
import { throughputStore, valueCharts } from './app';
import { MAX_SERIES, type ChartProblem, type ValueChart } from './value-charts';
import { saveFile } from '../ui/save-file';

/** Which sessions have their charts area open. Kept apart from the app store: only these components read it. */
const useChartsOpen = create<Record<string, boolean>>(() => ({}));

/** The toolbar button that opens and closes a session's charts area. */
export function ChartsToggle({ sessionId }: { sessionId: string }) {
  const t = useT();
  const open = useChartsOpen((state) => state[sessionId] ?? false);
  return (
    <button
      type="button"
      aria-expanded={open}
      aria-controls={chartsAreaId(sessionId)}
      className={open ? 'pressed' : ''}
      onClick={() => useChartsOpen.setState({ [sessionId]: !open })}
    >
      {t('charts')}
    </button>
  );
}

function chartsAreaId(sessionId: string): string {
  return `charts-${sessionId}`;
}

/**
 * A session's charts: throughput and the value charts a person added. Closed, it takes no room at all.
 * None of these components renders because data arrived: points go into rings outside React, and each
 * chart redraws its canvas and rewrites its summary from there (see `data-render-count`).
 */
export const ChartsArea = memo(function ChartsArea({ sessionId }: { sessionId: string }) {
  const t = useT();
  const open = useChartsOpen((state) => state[sessionId] ?? false);
  const charts = useSyncExternalStore(
    (listener) => valueCharts.subscribeList(listener),
    () => valueCharts.of(sessionId),
  );
  const [adding, setAdding] = useState(false);
  if (!open) return null;
  return (
    <section id={chartsAreaId(sessionId)} className="charts" aria-label={t('charts')}>
      <ThroughputChart sessionId={sessionId} />
      {charts.map((chart) => (
        <ValueChartCard key={chart.id} chart={chart} paused={chart.paused} />
      ))}
      {adding ? (
        <AddChartForm
          sessionId={sessionId}
          defaultTitle={t('chartDefaultName', { n: charts.length + 1 })}
          onDone={() => setAdding(false)}
        />
      ) : (
        <div className="charts-actions">
          <button type="button" onClick={() => setAdding(true)}>
            {t('addChart')}
          </button>
        </div>
      )}
    </section>
  );
});

/** Counts commits of a chart in a data attribute: a flood must leave it where it was. */
function useCommitCount(ref: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const element = ref.current;
    if (element) element.dataset.renderCount = String(Number(element.dataset.renderCount ?? '0') + 1);
  });
}

/**
 * Makes a uPlot in `host`, keeps its width to the host's, and calls `draw` now and whenever `subscribe`
 * says so. Everything here runs outside React's render.
 */
function usePlot(
  host: RefObject<HTMLDivElement | null>,
  make: (width: number, colours: ReturnType<typeof plotColours>) => uPlot.Options,
  data: () => uPlot.AlignedData,
  subscribe: (redraw: () => void) => () => void,
  afterDraw: () => void,
  deps: unknown[],
): void {
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const plot = new uPlot(make(Math.max(element.clientWidth, 200), plotColours(element)), data(), element);
    const draw = () => {
      plot.setData(data());
      afterDraw();
    };
    afterDraw();
    const unsubscribe = subscribe(draw);
    const resize = new ResizeObserver(() => {
      const width = Math.max(element.clientWidth, 200);
      if (width !== plot.width) plot.setSize({ width, height: PLOT_HEIGHT });
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      unsubscribe();
      plot.destroy();
    };
    // The caller lists what the plot depends on; the functions are remade on every render on purpose.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
}

function throughputSummary(tracker: ThroughputTracker, t: Translate): string {
  const ring = tracker.ring;
  if (ring.length === 0) return t('throughputWaiting');
  return t('throughputSummary', {
    bytesIn: formatBytes(Math.round(ring.last(T_BYTES_IN))),
    bytesOut: formatBytes(Math.round(ring.last(T_BYTES_OUT))),
    messagesIn: formatCount(ring.last(T_MESSAGES_IN)),
    messagesOut: formatCount(ring.last(T_MESSAGES_OUT)),
  });
}

const ThroughputChart = memo(function ThroughputChart({ sessionId }: { sessionId: string }) {
  const t = useT();
  const theme = useApp((state) => state.theme);
  const region = useRef<HTMLElement>(null);
  const host = useRef<HTMLDivElement>(null);
  const summary = useRef<HTMLParagraphElement>(null);
  const headingId = useId();
  const summaryId = useId();
  useCommitCount(region);
  const tracker = throughputStore.of(sessionId);
  usePlot(
    host,
    (width, colours) =>
      throughputOptions(width, colours, {
        bytesIn: t('throughput.bytesIn'),
        bytesOut: t('throughput.bytesOut'),
        messagesIn: t('throughput.messagesIn'),
        messagesOut: t('throughput.messagesOut'),
      }),
    () => throughputData(tracker),
    (redraw) => throughputStore.subscribe(sessionId, redraw),
    () => {
      if (summary.current) summary.current.textContent = throughputSummary(tracker, t);
    },
    [tracker, sessionId, t, theme],
  );
  return (
    <section ref={region} className="chart" aria-labelledby={headingId} data-chart="throughput">
      <h3 id={headingId} className="chart-title">
        {t('throughputChart')}
      </h3>
      <div
        ref={host}
        className="chart-plot"
        role="img"
        aria-label={t('throughputImage')}
        aria-describedby={summaryId}
      />
      <p ref={summary} id={summaryId} className="chart-summary" />
    </section>
  );
});

function formatTime(timeUs: number): string {
  const date = new Date(timeUs / 1000);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

function valueSummary(chart: ValueChart, t: Translate): string {
  const ring = chart.ring;
  if (ring.length === 0) return t('valueWaiting');
  const values = chart.series
    .map((series, index) => {
      const last = ring.lastValue(index + 1);
      return `${series.name} = ${last ? String(last.value) : '–'}`;
    })
    .join(', ');
  const filled = { values, time: formatTime(ring.last(0)), points: ring.length };
  return chart.paused ? t('valueSummaryPaused', filled) : t('valueSummary', filled);
}

function csvFileName(title: string): string {
  return `${title.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').trim() || 'chart'}.csv`;
}

const ValueChartCard = memo(function ValueChartCard({ chart, paused }: { chart: ValueChart; paused: boolean }) {
  const t = useT();
  const theme = useApp((state) => state.theme);
  const region = useRef<HTMLElement>(null);
  const host = useRef<HTMLDivElement>(null);
  const summary = useRef<HTMLParagraphElement>(null);
  const headingId = useId();
  const summaryId = useId();
  useCommitCount(region);
  usePlot(
    host,
    (width, colours) => valueOptions(width, colours, chart),
    () => valueData(chart),
    // Paused: the picture stands still; the ring keeps filling and resuming redraws it all.
    (redraw) => valueCharts.subscribePoints(chart, () => chart.paused || redraw()),
    () => {
      if (summary.current) summary.current.textContent = valueSummary(chart, t);
    },
    [chart, t, theme],
  );
  // Pausing and resuming rewrite the summary at once, without waiting for a point.
  useEffect(() => {
    if (summary.current) summary.current.textContent = valueSummary(chart, t);
  }, [chart, paused, t]);
  const seriesNames = chart.series.map((series) => series.name).join(', ');
  return (
    <section ref={region} className="chart" aria-labelledby={headingId} data-chart="value">
      <div className="chart-head">
        <h3 id={headingId} className="chart-title">
          {chart.title}
        </h3>
        <button
          type="button"
          aria-pressed={paused}
          className={paused ? 'pressed' : ''}
          onClick={() => valueCharts.setPaused(chart, !paused)}
        >
          {paused ? t('resumeChart') : t('pauseChart')}
        </button>
        <button
          type="button"
          onClick={() =>
            saveFile(new Blob([chart.csv()], { type: 'text/csv;charset=utf-8' }), csvFileName(chart.title))
          }
        >
          {t('exportCsv')}
        </button>
        <button type="button" onClick={() => valueCharts.remove(chart)}>
          {t('removeChart')}
        </button>
      </div>
      <div
        ref={host}
        className="chart-plot"
        role="img"
        aria-label={t('valueChartImage', { title: chart.title, series: seriesNames })}
        aria-describedby={summaryId}
      />
      <p ref={summary} id={summaryId} className="chart-summary" />
    </section>
  );
});

interface SeriesDraft {
  name: string;
  kind: ExtractorSpec['kind'];
  pattern: string;
  offset: string;
  type: BinaryType;
  endian: Endianness;
  scale: string;
}

function newSeries(t: Translate, n: number): SeriesDraft {
  return {
    name: t('seriesDefaultName', { n }),
    kind: 'regex',
    pattern: '',
    offset: '0',
    type: 'uint16',
    endian: 'big',
    scale: '',
  };
}

function toSpec(draft: SeriesDraft): ExtractorSpec {
  return draft.kind === 'regex'
    ? { kind: 'regex', pattern: draft.pattern }
    : { kind: 'binary', offset: draft.offset, type: draft.type, endian: draft.endian, scale: draft.scale };
}

function AddChartForm({
  sessionId,
  defaultTitle,
  onDone,
}: {
  sessionId: string;
  defaultTitle: string;
  onDone: () => void;
}) {
  const t = useT();
  const [title, setTitle] = useState(defaultTitle);
  const [series, setSeries] = useState<SeriesDraft[]>(() => [newSeries(t, 1)]);
  const [problems, setProblems] = useState<ChartProblem[]>([]);
  const titleId = useId();
  const titleInput = useRef<HTMLInputElement>(null);
  // The form opens at the end of the charts area, maybe below its fold: bring it into view and start typing there.
  useEffect(() => {
    titleInput.current?.scrollIntoView({ block: 'nearest' });
    titleInput.current?.focus();
  }, []);
  const change = (index: number, patch: Partial<SeriesDraft>) => {
    setSeries((list) => list.map((draft, i) => (i === index ? { ...draft, ...patch } : draft)));
    setProblems((list) => list.filter((problem) => problem.series !== index));
  };
  const submit = () => {
    const result = valueCharts.add(sessionId, {
      title: title.trim() || defaultTitle,
      series: series.map((draft, index) => ({
        name: draft.name.trim() || t('seriesDefaultName', { n: index + 1 }),
        extractor: toSpec(draft),
      })),
    });
    if (result.ok) onDone();
    else setProblems(result.problems);
  };
  return (
    <form
      className="chart-form"
      aria-label={t('newChart')}
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <span className="field">
        <label htmlFor={titleId}>{t('chartName')}</label>
        <input
          ref={titleInput}
          id={titleId}
          value={title}
          autoComplete="off"
          onChange={(event) => setTitle(event.target.value)}
        />
      </span>
      {series.map((draft, index) => (
        <SeriesFields
          key={index}
          index={index}
          draft={draft}
          problems={problems.filter((problem) => problem.series === index)}
          canRemove={series.length > 1}
          onChange={(patch) => change(index, patch)}
          onRemove={() => {
            setSeries((list) => list.filter((_draft, i) => i !== index));
            setProblems([]);
          }}
        />
      ))}
      <div className="charts-actions">
        {series.length < MAX_SERIES && (
          <button type="button" onClick={() => setSeries((list) => [...list, newSeries(t, list.length + 1)])}>
            {t('addSeries')}
          </button>
        )}
        <button type="submit" className="primary">
          {t('createChart')}
        </button>
        <button type="button" onClick={onDone}>
          {t('cancelChart')}
        </button>
      </div>
    </form>
  );
}

function SeriesFields({
  index,
  draft,
  problems,
  canRemove,
  onChange,
  onRemove,
}: {
  index: number;
  draft: SeriesDraft;
  problems: ChartProblem[];
  canRemove: boolean;
  onChange: (patch: Partial<SeriesDraft>) => void;
  onRemove: () => void;
}) {
  const t = useT();
  const ids = { name: useId(), source: useId(), pattern: useId(), offset: useId(), type: useId(), endian: useId() };
  const scaleId = useId();
  const problemOf = (field: ChartProblem['field']) => problems.find((problem) => problem.field === field);
  const errorText = (problem: ChartProblem) => t(`chart.error.${problem.problem}`, { detail: problem.detail ?? '' });
  const fieldError = (field: ChartProblem['field']) => {
    const problem = problemOf(field);
    return problem ? (
      <span id={`${ids.name}-${field}-error`} className="field-error" role="alert">
        {errorText(problem)}
      </span>
    ) : null;
  };
  const described = (field: ChartProblem['field']) => (problemOf(field) ? `${ids.name}-${field}-error` : undefined);
  return (
    <fieldset className="chart-series">
      <legend>{t('seriesGroup', { n: index + 1 })}</legend>
      <span className="field">
        <label htmlFor={ids.name}>{t('seriesName')}</label>
        <input
          id={ids.name}
          value={draft.name}
          autoComplete="off"
          onChange={(event) => onChange({ name: event.target.value })}
        />
      </span>
      <span className="field">
        <label htmlFor={ids.source}>{t('seriesSource')}</label>
        <select
          id={ids.source}
          value={draft.kind}
          onChange={(event) => onChange({ kind: event.target.value as SeriesDraft['kind'] })}
        >
          <option value="regex">{t('source.regex')}</option>
          <option value="binary">{t('source.binary')}</option>
        </select>
      </span>
      {draft.kind === 'regex' ? (
        <span className="field wide">
          <label htmlFor={ids.pattern}>{t('seriesPattern')}</label>
          <input
            id={ids.pattern}
            className="mono"
            value={draft.pattern}
            placeholder="T=(-?\d+\.\d+)"
            spellCheck={false}
            autoComplete="off"
            aria-invalid={problemOf('pattern') ? true : undefined}
            aria-describedby={described('pattern')}
            onChange={(event) => onChange({ pattern: event.target.value })}
          />
          {fieldError('pattern')}
        </span>
      ) : (
        <>
          <span className="field narrow">
            <label htmlFor={ids.offset}>{t('fieldOffset')}</label>
            <input
              id={ids.offset}
              value={draft.offset}
              inputMode="numeric"
              autoComplete="off"
              aria-invalid={problemOf('offset') ? true : undefined}
              aria-describedby={described('offset')}
              onChange={(event) => onChange({ offset: event.target.value })}
            />
            {fieldError('offset')}
          </span>
          <span className="field">
            <label htmlFor={ids.type}>{t('fieldType')}</label>
            <select
              id={ids.type}
              value={draft.type}
              onChange={(event) => onChange({ type: event.target.value as BinaryType })}
            >
              {BINARY_TYPES.map((type) => (
                <option key={type} value={type}>
                  {type}
                </option>
              ))}
            </select>
          </span>
          <span className="field">
            <label htmlFor={ids.endian}>{t('byteOrder')}</label>
            <select
              id={ids.endian}
              value={draft.endian}
              onChange={(event) => onChange({ endian: event.target.value as Endianness })}
            >
              <option value="big">{t('endian.big')}</option>
              <option value="little">{t('endian.little')}</option>
            </select>
          </span>
          <span className="field narrow">
            <label htmlFor={scaleId}>{t('fieldScale')}</label>
            <input
              id={scaleId}
              value={draft.scale}
              placeholder="1"
              autoComplete="off"
              aria-invalid={problemOf('scale') ? true : undefined}
              aria-describedby={described('scale')}
              onChange={(event) => onChange({ scale: event.target.value })}
            />
            {fieldError('scale')}
          </span>
        </>
      )}
      {canRemove && (
        <button type="button" onClick={onRemove}>
          {t('removeSeries')}
        </button>
      )}
    </fieldset>
  );
}
