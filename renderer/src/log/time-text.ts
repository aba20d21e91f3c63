import { formatTime } from './format';

// The log's time column in the three ways a person reads a capture: the time of day (to compare with the
// device's own clock), the time since the log began (to line it up with a test script), and the time since
// the row before (to see a device's response time or a timeout).

export type TimeMode = 'absolute' | 'relative' | 'delta';
export const TIME_MODES: readonly TimeMode[] = ['absolute', 'relative', 'delta'];

/** "+1.234567 s" up to a minute, then "+2:03.456789" and "+1:02:03.456789": microseconds, as the engine stamps them. */
export function formatElapsed(us: number): string {
  const sign = us < 0 ? '-' : '+';
  const total = Math.round(Math.abs(us));
  const seconds = Math.floor(total / 1_000_000);
  const micros = String(total % 1_000_000).padStart(6, '0');
  if (seconds < 60) return `${sign}${seconds}.${micros} s`;
  const s = String(seconds % 60).padStart(2, '0');
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${sign}${minutes}:${s}.${micros}`;
  const m = String(minutes % 60).padStart(2, '0');
  return `${sign}${Math.floor(minutes / 60)}:${m}:${s}.${micros}`;
}

/**
 * The time column for a row: `wallUs` is the row's time, `startUs` the log's first row's, `previousUs` the row
 * before's (undefined for the first row, whose delta is zero).
 */
export function timeText(mode: TimeMode, wallUs: number, startUs: number, previousUs: number | undefined): string {
  switch (mode) {
    case 'absolute':
      return formatTime(wallUs / 1000);
    case 'relative':
      return formatElapsed(wallUs - startUs);
    case 'delta':
      return formatElapsed(previousUs === undefined ? 0 : wallUs - previousUs);
  }
}

/** Seconds with microseconds, for files: "1.234567". */
export function secondsText(us: number): string {
  return (us / 1_000_000).toFixed(6);
}

/** The time of day as ISO 8601 in UTC with microseconds: "2026-11-30T05:13:34.123456Z". */
export function isoTime(wallUs: number): string {
  const ms = Math.floor(wallUs / 1000);
  const iso = new Date(ms).toISOString();
  const micros = String(Math.floor(wallUs - ms * 1000)).padStart(3, '0');
  return `${iso.slice(0, -1)}${micros}Z`;
}
