import type { ColumnRing } from './ring';

/** Microseconds since the epoch as ISO 8601 UTC with all six fractional digits: a spreadsheet sorts it as text. */
export function isoMicros(timeUs: number): string {
  const ms = Math.floor(timeUs / 1000);
  const micros = Math.floor(timeUs - ms * 1000);
  return new Date(ms).toISOString().replace('Z', `${String(micros).padStart(3, '0')}Z`);
}

/** RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A value chart's points as CSV: a header "time,<series…>", then one line per row, oldest first, with the
 * time as ISO 8601 UTC and an empty cell where a series had no value in that message.
 */
export function chartCsv(seriesNames: readonly string[], ring: ColumnRing): string {
  const lines = [['time', ...seriesNames].map(csvField).join(',')];
  for (let i = 0; i < ring.length; i++) {
    const cells = [isoMicros(ring.get(0, i))];
    for (let s = 0; s < seriesNames.length; s++) {
      const value = ring.get(s + 1, i);
      cells.push(Number.isNaN(value) ? '' : String(value));
    }
    lines.push(cells.join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
