import { StoredHistory, StoredPresets, type WorkspaceUi } from '../../../shared/contract';
import { HISTORY_KEY, loadStored, PRESETS_KEY, type SavedStorage } from '../presets/storage';

// Before the workspace, the page kept its language, theme, presets and history in the browser's storage. The
// first workspace that lacks them takes them from there, once: after that the workspace has its own (even an
// empty list), and the browser's copy is never read again.

export const PREFERENCES_KEY = 'sockpit.preferences';

export interface Migrated {
  ui: WorkspaceUi;
  /** Whether anything came from the browser's storage (then the workspace should be saved at once). */
  took: boolean;
  /** Old saved data that could not be read, in words; it was kept aside, the workspace starts without it. */
  problem?: string;
}

function readPreferences(old: SavedStorage): Pick<WorkspaceUi, 'language' | 'theme'> {
  try {
    const saved = JSON.parse(old.read(PREFERENCES_KEY) ?? '{}') as { language?: unknown; theme?: unknown };
    return {
      ...(saved.language === 'en' || saved.language === 'zh-CN' ? { language: saved.language } : {}),
      ...(saved.theme === 'system' || saved.theme === 'light' || saved.theme === 'dark' ? { theme: saved.theme } : {}),
    };
  } catch {
    // A preference that is not JSON is forgotten: the page's own choice (the browser's language) stands.
    return {};
  }
}

export function migrateFromBrowser(ui: WorkspaceUi, old: SavedStorage): Migrated {
  const next: WorkspaceUi = { ...ui };
  let took = false;
  const problems: string[] = [];
  const preferences = readPreferences(old);
  if (next.language === undefined && preferences.language) {
    next.language = preferences.language;
    took = true;
  }
  if (next.theme === undefined && preferences.theme) {
    next.theme = preferences.theme;
    took = true;
  }
  if (next.presets === undefined) {
    const presets = loadStored(old, PRESETS_KEY, StoredPresets, { version: 1 as const, presets: [] });
    if (presets.problem)
      problems.push(
        `Saved presets could not be read (${presets.problem}).${presets.keptAs ? ` They were kept as “${presets.keptAs}”.` : ''}`,
      );
    if (presets.value.presets.length > 0) {
      next.presets = presets.value;
      took = true;
    }
  }
  if (next.history === undefined) {
    const history = loadStored(old, HISTORY_KEY, StoredHistory, { version: 1 as const, entries: [] });
    if (history.problem)
      problems.push(
        `The saved history could not be read (${history.problem}).${history.keptAs ? ` It was kept as “${history.keptAs}”.` : ''}`,
      );
    if (history.value.entries.length > 0) {
      next.history = history.value;
      took = true;
    }
  }
  return { ui: next, took, ...(problems.length > 0 ? { problem: problems.join(' ') } : {}) };
}
