import uPlot from 'uplot';
import { formatBytes } from '../log/format';
import {
  THROUGHPUT_POINTS,
  T_BYTES_IN,
  T_BYTES_OUT,
  T_MESSAGES_IN,
  T_MESSAGES_OUT,
  T_TIME,
  type ThroughputTracker,
} from './throughput';
import type { ValueChart } from './value-charts';

export const PLOT_HEIGHT = 160;

/** Line colours for up to eight series, readable on the light and the dark panel alike. */
const PALETTE = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d'];

/** What the canvas needs from the page's theme; canvas strokes cannot read CSS variables themselves. */
export interface PlotColours {
  text: string;
  grid: string;
  rx: string;
  tx: string;
}

export function plotColours(element: Element): PlotColours {
  const style = getComputedStyle(element);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    text: read('--text', '#1d2330'),
    grid: read('--border', '#d5d9e0'),
    rx: read('--rx', '#047857'),
    tx: read('--tx', '#1d4ed8'),
  };
}

function axis(colours: PlotColours, extra: uPlot.Axis = {}): uPlot.Axis {
  return { stroke: colours.text, grid: { stroke: colours.grid, width: 1 }, ticks: { stroke: colours.grid }, ...extra };
}

export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(Math.round(bytesPerSecond))}/s`;
}

export function formatCount(perSecond: number): string {
  return perSecond >= 10 || perSecond === 0 ? String(Math.round(perSecond)) : perSecond.toFixed(1);
}

export interface ThroughputLabels {
  bytesIn: string;
  bytesOut: string;
  messagesIn: string;
  messagesOut: string;
}

/** Bytes per second on the left axis, messages per second (dashed) on the right. */
export function throughputOptions(width: number, colours: PlotColours, labels: ThroughputLabels): uPlot.Options {
  return {
    width,
    height: PLOT_HEIGHT,
    scales: {
      // Always the last five minutes up to the newest point, so the picture scrolls rather than stretches.
      x: { time: true, range: (_u, _min, max) => [max - THROUGHPUT_POINTS, max] },
      bytes: { range: (_u, _min, max) => [0, Math.max(max, 1)] },
      messages: { range: (_u, _min, max) => [0, Math.max(max, 1)] },
    },
    series: [
      {},
      { label: labels.bytesIn, scale: 'bytes', stroke: colours.rx, width: 2, value: (_u, v) => rateText(v) },
      { label: labels.bytesOut, scale: 'bytes', stroke: colours.tx, width: 2, value: (_u, v) => rateText(v) },
      { label: labels.messagesIn, scale: 'messages', stroke: colours.rx, dash: [4, 4], value: (_u, v) => countText(v) },
      {
        label: labels.messagesOut,
        scale: 'messages',
        stroke: colours.tx,
        dash: [4, 4],
        value: (_u, v) => countText(v),
      },
    ],
    axes: [
      axis(colours),
      axis(colours, { scale: 'bytes', size: 70, values: (_u, ticks) => ticks.map((tick) => formatRate(tick)) }),
      axis(colours, { scale: 'messages', side: 1, grid: { show: false } }),
    ],
    cursor: { drag: { x: false, y: false } },
  };
}

function rateText(value: number | null): string {
  return value === null ? '–' : formatRate(value);
}

function countText(value: number | null): string {
  return value === null ? '–' : formatCount(value);
}

/** The tracker's ring as uPlot columns, oldest first. */
export function throughputData(tracker: ThroughputTracker): uPlot.AlignedData {
  const ring = tracker.ring;
  return [
    ring.ordered(T_TIME),
    ring.ordered(T_BYTES_IN),
    ring.ordered(T_BYTES_OUT),
    ring.ordered(T_MESSAGES_IN),
    ring.ordered(T_MESSAGES_OUT),
  ];
}

/**
 * Each series on its own y scale, so a temperature near 20 and a raw count near 20,000 are both readable;
 * the first series' scale is on the left axis, the second's on the right, in the series' colours.
 */
export function valueOptions(width: number, colours: PlotColours, chart: ValueChart): uPlot.Options {
  const colour = (index: number) => PALETTE[index % PALETTE.length]!;
  const scale = (index: number) => `y${index}`;
  const scales: uPlot.Scales = {
    // Points within one second get a second around them instead of uPlot's default span of years.
    x: { time: true, range: (_u, min, max) => (max - min < 1 ? [min - 0.5, max + 0.5] : [min, max]) },
  };
  chart.series.forEach((_series, index) => (scales[scale(index)] = {}));
  return {
    width,
    height: PLOT_HEIGHT,
    scales,
    series: [
      {},
      ...chart.series.map((series, index): uPlot.Series => ({
        label: series.name,
        scale: scale(index),
        stroke: colour(index),
        width: 2,
        // A series missing from some messages (another series found more values there) is one line, not dots.
        spanGaps: true,
      })),
    ],
    axes: [
      axis(colours),
      axis(colours, { scale: scale(0), size: 60, stroke: colour(0) }),
      ...(chart.series.length > 1
        ? [axis(colours, { scale: scale(1), size: 60, side: 1, stroke: colour(1), grid: { show: false } })]
        : []),
    ],
    // Live data resets the scales on every update, so a zoom would not last: no drag-to-zoom.
    cursor: { drag: { x: false, y: false } },
  };
}

/**
 * The chart's ring as uPlot columns: time in seconds, and each series with null where a message gave it
 * no value (uPlot skips nulls; a NaN would spoil the axis range).
 */
export function valueData(chart: ValueChart): uPlot.AlignedData {
  const ring = chart.ring;
  const time = ring.ordered(0);
  for (let i = 0; i < time.length; i++) time[i] = time[i]! / 1e6;
  const columns: Array<Array<number | null>> = chart.series.map((_series, index) =>
    Array.from(ring.ordered(index + 1), (value) => (Number.isNaN(value) ? null : value)),
  );
  return [time, ...columns];
}
