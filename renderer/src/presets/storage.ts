import type { z } from 'zod';
import { formatIssues } from '../../../shared/contract';

// Where presets and history live between runs: the workspace, through this one seam (`SavedStorage`), without
// the store or the panels changing. The page's localStorage is only read once, to move old data into the
// workspace (renderer/src/workspace/migrate.ts).

export interface SavedStorage {
  read(key: string): string | null;
  write(key: string, text: string): void;
}

export const PRESETS_KEY = 'sockpit.presets';
export const HISTORY_KEY = 'sockpit.history';

export interface Loaded<T> {
  value: T;
  /** What was wrong with the stored value, in words; it was kept aside under `keptAs`, not thrown away. */
  problem?: string;
  keptAs?: string;
}

/**
 * Reads and checks one stored value. Nothing stored gives `empty`. A value that is not valid JSON or does
 * not match the schema is copied to "<key>.corrupt" (the last such copy) and reported; the app starts empty
 * rather than failing, and the next save does not destroy what a person might want to recover.
 */
export function loadStored<T>(storage: SavedStorage, key: string, schema: z.ZodType<T>, empty: T): Loaded<T> {
  let text: string | null;
  try {
    text = storage.read(key);
  } catch (err) {
    return { value: empty, problem: `Could not read saved data: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (text === null) return { value: empty };
  let problem: string;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    if (parsed.success) return { value: parsed.data };
    problem = formatIssues(parsed.error);
  } catch (err) {
    problem = `it is not JSON (${err instanceof Error ? err.message : String(err)})`;
  }
  const keptAs = `${key}.corrupt`;
  try {
    storage.write(keptAs, text);
  } catch {
    // Storage refused the copy (full, private window): the report below still says what happened.
    return { value: empty, problem };
  }
  return { value: empty, problem, keptAs };
}

/** Saves one value; the problem in words when storage refuses it (full, or a private window). */
export function saveStored(storage: SavedStorage, key: string, value: unknown): string | undefined {
  try {
    storage.write(key, JSON.stringify(value));
    return undefined;
  } catch (err) {
    return `Could not save: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** Storage that lives as long as the page: the workspace fills it when it opens and saves what is in it. */
export function memoryStorage(initial: Record<string, string> = {}): SavedStorage {
  const texts = new Map(Object.entries(initial));
  return {
    read: (key) => texts.get(key) ?? null,
    write: (key, text) => void texts.set(key, text),
  };
}
