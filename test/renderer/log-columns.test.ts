import { describe, expect, it } from 'vitest';
import {
  columnLayout,
  compactTime,
  gridColumns,
  MIN_DATA_PX,
  showsPeer,
  tightTime,
} from '../../renderer/src/log/columns';

// The log's columns at the widths four panes leave on common screens: the data keeps its 300 px or the
// fixed columns stack; the peer column goes where every row would show the same address.

/** The data column's width for a grid template, as the browser would give it (fixed px and minmax maxima). */
function dataPx(logWidth: number, template: string): number {
  const fixed = template
    .split(/ (?![^(]*\))/)
    .slice(0, -1)
    .map((column) => Number(/(\d+)px\)?$/.exec(column)?.[1] ?? 0));
  return logWidth - 16 - fixed.reduce((a, b) => a + b + 6, 0);
}

describe('log columns', () => {
  it('keeps the data column at 300 px or more whenever the fixed columns stay beside it', () => {
    for (let width = 200; width <= 2000; width += 10) {
      for (const timestamps of [true, false]) {
        for (const peer of [true, false]) {
          const layout = columnLayout(width, timestamps, peer);
          const template = gridColumns(layout, timestamps, peer);
          if (layout === 'wide' || layout === 'compact')
            expect(dataPx(width, template!), `${width} px ${layout}`).toBeGreaterThanOrEqual(MIN_DATA_PX);
        }
      }
    }
  });

  it('stacks at the width four panes leave on a 1920-pixel screen, and stays on one line on a 1280-pixel one', () => {
    expect(columnLayout(400, true, true)).toBe('stacked');
    expect(columnLayout(240, true, false)).toBe('tight');
    expect(columnLayout(1200, true, true)).toBe('wide');
  });

  it('hides the peer in a TCP client and in a server that has had one client', () => {
    expect(showsPeer('tcp-client', 5)).toBe(false);
    expect(showsPeer('tcp-server', 1)).toBe(false);
    expect(showsPeer('tcp-server', 2)).toBe(true);
    expect(showsPeer('udp', 0)).toBe(true);
  });

  it('shortens the time to milliseconds, then drops the hour', () => {
    expect(compactTime('12:03:04.123456')).toBe('12:03:04.123');
    expect(compactTime('+1.234567 s')).toBe('+1.234 s');
    expect(tightTime('12:03:04.123456')).toBe('03:04.123');
    expect(tightTime('+2:03.456789')).toBe('+2:03.456');
  });
});
