import type { SessionKind } from '../../../shared/contract';

// The log's fixed columns (time, direction, peer, length) take what the data column does not need, and
// never so much that the data breaks letter by letter: at four panes on a 1920-pixel screen the data keeps
// at least 300 px, and on a narrow pane the fixed columns stack in a small line above the data instead.

/** Below this log width the fixed columns go to a line of their own above the data. */
export const STACK_BELOW_PX = 460;
/** Below this log width (and above the stacking one) the time loses its microseconds. */
export const COMPACT_BELOW_PX = 680;

export type ColumnLayout = 'wide' | 'compact' | 'stacked';

export function columnLayout(logWidth: number): ColumnLayout {
  // Not measured yet: the first frame draws as wide, and the measured width lays it out again.
  if (logWidth <= 0 || logWidth >= COMPACT_BELOW_PX) return 'wide';
  return logWidth < STACK_BELOW_PX ? 'stacked' : 'compact';
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
  const wide = layout === 'wide';
  return [
    timestamps ? (wide ? '108px' : '84px') : '',
    wide ? '26px' : '22px',
    peer ? (wide ? 'minmax(80px, 160px)' : 'minmax(64px, 120px)') : '',
    wide ? '64px' : '52px',
    'minmax(0, 1fr)',
  ]
    .filter(Boolean)
    .join(' ');
}

/** "12:03:04.123456" → "12:03:04.123", "+1.234567 s" → "+1.234 s": milliseconds where microseconds do not fit. */
export function compactTime(text: string): string {
  return text.replace(/(\.\d{3})\d{3}/, '$1');
}
