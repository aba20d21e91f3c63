import type { SessionKind } from '../../../shared/contract';

// The log's fixed columns (time, direction, peer, length) take what the data column does not need, and
// never so much that the data breaks letter by letter: at four panes on a 1920-pixel screen the data keeps
// at least 300 px, and on a narrow pane the fixed columns stack in a small line above the data instead.

/** The data column never gets less than this beside the fixed columns; with less room they stack. */
export const MIN_DATA_PX = 300;
/** Below this log width the microseconds go first. */
export const COMPACT_BELOW_PX = 680;
/**
 * Below this one a second line per row costs more than it shows: direction and a short time stay beside
 * the data, the length goes (the row's bytes are still copied and saved whole).
 */
export const TIGHT_BELOW_PX = 380;

export type ColumnLayout = 'wide' | 'compact' | 'stacked' | 'tight';

/** Column widths in px (the peer's at its widest), as `gridColumns` lays them out. */
const WIDTHS = {
  wide: { time: 108, dir: 26, peer: 160, len: 64 },
  compact: { time: 84, dir: 22, peer: 120, len: 52 },
} as const;
const GAP_PX = 6;
const PADDING_PX = 16;

function dataWidth(layout: 'wide' | 'compact', logWidth: number, timestamps: boolean, peer: boolean): number {
  const w = WIDTHS[layout];
  const columns = [timestamps ? w.time : -1, w.dir, peer ? w.peer : -1, w.len].filter((px) => px >= 0);
  return logWidth - PADDING_PX - columns.reduce((a, b) => a + b + GAP_PX, 0);
}

export function columnLayout(logWidth: number, timestamps: boolean, peer: boolean): ColumnLayout {
  // Not measured yet: the first frame draws as wide, and the measured width lays it out again.
  if (logWidth <= 0) return 'wide';
  if (logWidth >= COMPACT_BELOW_PX && dataWidth('wide', logWidth, timestamps, peer) >= MIN_DATA_PX) return 'wide';
  if (dataWidth('compact', logWidth, timestamps, peer) >= MIN_DATA_PX) return 'compact';
  return logWidth < TIGHT_BELOW_PX ? 'tight' : 'stacked';
}

/**
 * Whether the peer column carries anything: a TCP client talks to one peer only, and a server with at
 * most one client so far shows the same address on every row.
 */
export function showsPeer(kind: SessionKind | undefined, clientsSeen: number): boolean {
  if (kind === 'tcp-client') return false;
  if (kind === 'tcp-server') return clientsSeen > 1;
  return true;
}

/** The grid columns of a row: only the ones drawn, the data taking the rest. */
export function gridColumns(layout: ColumnLayout, timestamps: boolean, peer: boolean): string | undefined {
  if (layout === 'stacked') return undefined;
  if (layout === 'tight')
    return [timestamps ? 'max-content' : '', 'max-content', 'minmax(0, 1fr)'].filter(Boolean).join(' ');
  const w = WIDTHS[layout];
  return [
    timestamps ? `${w.time}px` : '',
    `${w.dir}px`,
    peer ? `minmax(${Math.round(w.peer / 2)}px, ${w.peer}px)` : '',
    `${w.len}px`,
    'minmax(0, 1fr)',
  ]
    .filter(Boolean)
    .join(' ');
}

/** "12:03:04.123456" → "12:03:04.123", "+1.234567 s" → "+1.234 s": milliseconds where microseconds do not fit. */
export function compactTime(text: string): string {
  return text.replace(/(\.\d{3})\d{3}/, '$1');
}

/** "12:03:04.123456" → "03:04.123": minutes, seconds and milliseconds, for the narrowest logs. */
export function tightTime(text: string): string {
  return compactTime(text).replace(/^\d{2}:(\d{2}:\d{2}\.)/, '$1');
}
