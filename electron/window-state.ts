import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_WINDOW_SIZE, MIN_WINDOW_SIZE, type WindowBounds } from './window';

// Where the window was, remembered across launches in userData. Pure Node: main.ts passes the
// display work areas (screen.getAllDisplays()) in, so the off-screen rules are tested without Electron.

export const WINDOW_STATE_FILE = 'window-state.json';
/** A bounds file is a few dozen bytes; anything much bigger is not ours and is not read. */
const MAX_FILE_BYTES = 16 * 1024;

const Coordinate = z.number().int().min(-1_000_000).max(1_000_000);
const Size = z.number().int().min(1).max(100_000);
const SavedState = z.strictObject({
  x: Coordinate,
  y: Coordinate,
  width: Size,
  height: Size,
  maximized: z.boolean().default(false),
});

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState extends WindowBounds {
  maximized: boolean;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}

function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

function usable(areas: readonly Rect[]): Rect[] {
  return areas.filter((a) => [a.x, a.y, a.width, a.height].every(Number.isFinite) && a.width > 0 && a.height > 0);
}

/** No saved state: the default size, shrunk to the primary work area, centred by Electron. */
export function defaultWindowState(workAreas: readonly Rect[]): WindowState {
  const primary = usable(workAreas)[0];
  return {
    width: primary ? Math.min(DEFAULT_WINDOW_SIZE.width, primary.width) : DEFAULT_WINDOW_SIZE.width,
    height: primary ? Math.min(DEFAULT_WINDOW_SIZE.height, primary.height) : DEFAULT_WINDOW_SIZE.height,
    maximized: false,
  };
}

/**
 * Puts saved bounds wholly on a display: the one they overlap most, or — when a monitor has been
 * unplugged and they overlap none — centred on the primary one. The size shrinks to fit; a window that is
 * only partly visible, or whose title bar is off the top, cannot be grabbed back by the user.
 */
export function fitToWorkAreas(bounds: Rect, workAreas: readonly Rect[]): WindowBounds {
  const areas = usable(workAreas);
  if (areas.length === 0) return { width: bounds.width, height: bounds.height };
  let best = areas[0];
  let bestOverlap = 0;
  for (const area of areas) {
    const o = overlap(bounds, area);
    if (o > bestOverlap) {
      best = area;
      bestOverlap = o;
    }
  }
  const width = clamp(bounds.width, Math.min(MIN_WINDOW_SIZE.width, best.width), best.width);
  const height = clamp(bounds.height, Math.min(MIN_WINDOW_SIZE.height, best.height), best.height);
  if (bestOverlap === 0) {
    return {
      x: best.x + Math.floor((best.width - width) / 2),
      y: best.y + Math.floor((best.height - height) / 2),
      width,
      height,
    };
  }
  return {
    x: clamp(bounds.x, best.x, best.x + best.width - width),
    y: clamp(bounds.y, best.y, best.y + best.height - height),
    width,
    height,
  };
}

/** Never throws: a missing, unreadable, oversized, non-JSON or wrongly shaped file gives the defaults. */
export function loadWindowState(dir: string, workAreas: readonly Rect[]): WindowState {
  const file = path.join(dir, WINDOW_STATE_FILE);
  let raw: unknown;
  try {
    if (statSync(file).size > MAX_FILE_BYTES) return defaultWindowState(workAreas);
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return defaultWindowState(workAreas);
  }
  const saved = SavedState.safeParse(raw);
  if (!saved.success) return defaultWindowState(workAreas);
  return { ...fitToWorkAreas(saved.data, workAreas), maximized: saved.data.maximized };
}

/**
 * Writes through a temporary file and a rename, so a crash mid-write leaves the old file, not half a new
 * one. Returns false instead of throwing (read-only profile, full disk): losing the window position must
 * never take the app down.
 */
export function saveWindowState(dir: string, state: Rect & { maximized: boolean }): boolean {
  const checked = SavedState.safeParse({
    x: Math.round(state.x),
    y: Math.round(state.y),
    width: Math.round(state.width),
    height: Math.round(state.height),
    maximized: state.maximized,
  });
  if (!checked.success) return false;
  const file = path.join(dir, WINDOW_STATE_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(temp, JSON.stringify(checked.data), 'utf8');
    renameSync(temp, file);
    return true;
  } catch {
    try {
      rmSync(temp, { force: true });
    } catch {
      // The temporary file is harmless; the next save overwrites it.
    }
    return false;
  }
}
