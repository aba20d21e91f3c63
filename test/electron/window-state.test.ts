import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW_SIZE, MIN_WINDOW_SIZE } from '../../electron/window';
import {
  defaultWindowState,
  fitToWorkAreas,
  loadWindowState,
  saveWindowState,
  WINDOW_STATE_FILE,
  type Rect,
} from '../../electron/window-state';

const PRIMARY: Rect = { x: 0, y: 0, width: 1920, height: 1040 };
// A second monitor to the left of the primary one, so negative coordinates are real positions.
const LEFT: Rect = { x: -1280, y: 200, width: 1280, height: 984 };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sockpit-window-state-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeState(text: string): void {
  writeFileSync(path.join(dir, WINDOW_STATE_FILE), text);
}

function inside(b: { x?: number; y?: number; width: number; height: number }, area: Rect): boolean {
  return (
    b.x !== undefined &&
    b.y !== undefined &&
    b.x >= area.x &&
    b.y >= area.y &&
    b.x + b.width <= area.x + area.width &&
    b.y + b.height <= area.y + area.height
  );
}

describe('window state: load and save', () => {
  it('round-trips bounds and the maximized flag', () => {
    expect(saveWindowState(dir, { x: 100, y: 50, width: 1000, height: 700, maximized: true })).toBe(true);
    expect(loadWindowState(dir, [PRIMARY])).toEqual({ x: 100, y: 50, width: 1000, height: 700, maximized: true });
    expect(saveWindowState(dir, { x: -1000, y: 300, width: 900.4, height: 650.6, maximized: false })).toBe(true);
    expect(loadWindowState(dir, [PRIMARY, LEFT])).toEqual({
      x: -1000,
      y: 300,
      width: 900,
      height: 651,
      maximized: false,
    });
  });

  it('leaves no temporary file behind and creates the directory when needed', () => {
    const nested = path.join(dir, 'a', 'b');
    expect(saveWindowState(nested, { x: 1, y: 2, width: 900, height: 600, maximized: false })).toBe(true);
    expect(readdirSync(nested)).toEqual([WINDOW_STATE_FILE]);
    expect(JSON.parse(readFileSync(path.join(nested, WINDOW_STATE_FILE), 'utf8'))).toEqual({
      x: 1,
      y: 2,
      width: 900,
      height: 600,
      maximized: false,
    });
  });

  it('gives the defaults, fitted to the primary display, when there is no file', () => {
    expect(loadWindowState(dir, [PRIMARY])).toEqual({ ...DEFAULT_WINDOW_SIZE, maximized: false });
    expect(loadWindowState(dir, [{ x: 0, y: 0, width: 1024, height: 700 }])).toEqual({
      width: 1024,
      height: 700,
      maximized: false,
    });
    expect(loadWindowState(path.join(dir, 'missing', 'dir'), [])).toEqual({ ...DEFAULT_WINDOW_SIZE, maximized: false });
  });

  it.each([
    ['empty file', ''],
    ['not JSON', '{"x": 1,'],
    ['binary junk', '\u0000\u0001\u00ff'],
    ['JSON null', 'null'],
    ['an array', '[1,2,3,4]'],
    ['a string', '"x"'],
    ['missing fields', '{"x":1,"y":2}'],
    ['strings for numbers', '{"x":"1","y":2,"width":900,"height":600}'],
    ['fractions', '{"x":1.5,"y":2,"width":900,"height":600}'],
    ['zero size', '{"x":1,"y":2,"width":0,"height":600}'],
    ['absurd size', '{"x":1,"y":2,"width":1e9,"height":600}'],
    ['an unknown key', '{"x":1,"y":2,"width":900,"height":600,"fullscreen":true}'],
    ['a __proto__ key', '{"x":1,"y":2,"width":900,"height":600,"__proto__":{"polluted":true}}'],
  ])('never throws on a corrupt file (%s): defaults instead', (_label, text) => {
    writeState(text);
    expect(loadWindowState(dir, [PRIMARY])).toEqual({ ...DEFAULT_WINDOW_SIZE, maximized: false });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('does not read an oversized file', () => {
    writeState(JSON.stringify({ x: 1, y: 2, width: 900, height: 600, pad: 'x'.repeat(64 * 1024) }));
    expect(loadWindowState(dir, [PRIMARY])).toEqual({ ...DEFAULT_WINDOW_SIZE, maximized: false });
  });

  it('treats a directory where the file should be as missing', () => {
    rmSync(dir, { recursive: true });
    writeFileSync(dir, 'not a directory');
    try {
      expect(loadWindowState(dir, [PRIMARY])).toEqual({ ...DEFAULT_WINDOW_SIZE, maximized: false });
      // Saving into a path that is a file fails quietly rather than throwing into the window's move handler.
      expect(saveWindowState(dir, { x: 1, y: 2, width: 900, height: 600, maximized: false })).toBe(false);
    } finally {
      rmSync(dir, { force: true });
    }
  });

  it('refuses to save bounds that are not finite numbers', () => {
    expect(saveWindowState(dir, { x: Number.NaN, y: 0, width: 900, height: 600, maximized: false })).toBe(false);
    expect(saveWindowState(dir, { x: 0, y: 0, width: Infinity, height: 600, maximized: false })).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('returns false on a read-only profile', (ctx) => {
    ctx.skip(
      process.platform === 'win32' || process.getuid?.() === 0,
      'root (and Windows) may write into a read-only folder',
    );
    chmodSync(dir, 0o500);
    try {
      expect(saveWindowState(dir, { x: 1, y: 2, width: 900, height: 600, maximized: false })).toBe(false);
    } finally {
      chmodSync(dir, 0o700);
    }
  });
});

describe('window state: a window never opens off-screen', () => {
  it('moves a window saved on a monitor that is gone to the centre of the primary one', () => {
    writeState(JSON.stringify({ x: -1200, y: 300, width: 1000, height: 700 }));
    const state = loadWindowState(dir, [PRIMARY]);
    expect(state).toEqual({ x: 460, y: 170, width: 1000, height: 700, maximized: false });
  });

  it('keeps a window on the secondary monitor where it was', () => {
    expect(fitToWorkAreas({ x: -1200, y: 300, width: 1000, height: 700 }, [PRIMARY, LEFT])).toEqual({
      x: -1200,
      y: 300,
      width: 1000,
      height: 700,
    });
  });

  it('pulls a window hanging off the right and bottom edges fully back on', () => {
    expect(fitToWorkAreas({ x: 1800, y: 900, width: 1000, height: 700 }, [PRIMARY])).toEqual({
      x: 920,
      y: 340,
      width: 1000,
      height: 700,
    });
  });

  it('pulls a title bar above the top edge back down', () => {
    expect(fitToWorkAreas({ x: 100, y: -300, width: 1000, height: 700 }, [PRIMARY])).toEqual({
      x: 100,
      y: 0,
      width: 1000,
      height: 700,
    });
  });

  it('chooses the display the window overlaps most, and shrinks a window larger than it', () => {
    const fitted = fitToWorkAreas({ x: -1500, y: 100, width: 3000, height: 2000 }, [PRIMARY, LEFT]);
    expect(fitted).toEqual({ x: 0, y: 0, width: 1920, height: 1040 });
  });

  it('grows a window below the minimum size up to it, when the display allows', () => {
    expect(fitToWorkAreas({ x: 10, y: 10, width: 50, height: 40 }, [PRIMARY])).toEqual({
      x: 10,
      y: 10,
      ...MIN_WINDOW_SIZE,
    });
  });

  it('ignores displays that report nonsense, and keeps the saved size when there are none', () => {
    expect(
      fitToWorkAreas({ x: 10, y: 10, width: 900, height: 600 }, [
        { x: 0, y: 0, width: 0, height: 0 },
        { x: Number.NaN, y: 0, width: 10, height: 10 },
      ]),
    ).toEqual({
      width: 900,
      height: 600,
    });
    expect(defaultWindowState([])).toEqual({ ...DEFAULT_WINDOW_SIZE, maximized: false });
  });

  it('property: any saved bounds on any displays end up wholly inside one display', () => {
    const rect = fc.record({
      x: fc.integer({ min: -5000, max: 5000 }),
      y: fc.integer({ min: -5000, max: 5000 }),
      width: fc.integer({ min: 1, max: 8000 }),
      height: fc.integer({ min: 1, max: 8000 }),
    });
    fc.assert(
      fc.property(rect, fc.array(rect, { minLength: 1, maxLength: 4 }), (saved, areas) => {
        const fitted = fitToWorkAreas(saved, areas);
        expect(areas.some((area) => inside(fitted, area))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
