import {
  formatIssues,
  MAX_PRESETS,
  PRESETS_FILE_FORMAT,
  PRESETS_FILE_VERSION,
  PresetsFile,
  type SavedMessage as SavedMessageShape,
} from '../../../shared/contract';
import { fail, ok, type Result } from '../../../shared/result';

// Presets and history as plain data and pure functions: nothing here touches storage, the store or the DOM,
// so every rule (order, de-duplication, bounds, import checks) is tested in plain Node.

/**
 * Everything the send box says about a message except where it goes: a copy of the send draft without its
 * target, with whatever options the box has (the common ones checked, see shared/contract/presets.ts).
 */
export type SavedMessage = SavedMessageShape;

export interface Preset {
  id: string;
  name: string;
  /** null: shown in every session; otherwise only in this one. */
  sessionId: string | null;
  message: SavedMessage;
}

export interface HistoryEntry {
  message: SavedMessage;
  /** Wall-clock ms of the newest send of this message. */
  sentAt: number;
}

/** Sent messages kept; the oldest goes first beyond this. */
export const HISTORY_LIMIT = 200;
/** Alt+1 … Alt+9 send the first nine presets a session shows. */
export const SHORTCUT_PRESETS = 9;

/** The send draft as a saved message: every field it has (other helpers' options included), except the target. */
export function messageOf(
  send: Pick<SavedMessage, 'text' | 'mode' | 'encoding' | 'escapes' | 'lineEnding' | 'checksum'> & { target: unknown },
): SavedMessage {
  const { target: _target, ...message } = send;
  return message;
}

/** One key per message and options, whatever order the fields were written in. */
export function messageKey(message: SavedMessage): string {
  const fields = message as Record<string, unknown>;
  return JSON.stringify(
    Object.keys(fields)
      .sort()
      .map((key) => [key, fields[key]]),
  );
}

// --- history ---

/** Puts a sent message first; the same message with the same options sent before moves up rather than repeating. */
export function remember(
  entries: readonly HistoryEntry[],
  message: SavedMessage,
  sentAt: number,
  limit = HISTORY_LIMIT,
): HistoryEntry[] {
  const key = messageKey(message);
  const rest = entries.filter((entry) => messageKey(entry.message) !== key);
  return [{ message, sentAt }, ...rest].slice(0, limit);
}

/** Entries whose text contains every word of the query, ignoring case; all of them for an empty query. */
export function searchHistory(entries: readonly HistoryEntry[], query: string): HistoryEntry[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...entries];
  return entries.filter((entry) => {
    const text = entry.message.text.toLowerCase();
    return words.every((word) => text.includes(word));
  });
}

/** Where ↑/↓ recall is in the history: -1 is the draft being typed, 0 the newest entry. */
export interface Recall {
  index: number;
  /** The draft being typed when recall began, given back by ↓ past the newest entry. */
  draft?: SavedMessage;
}

export const NOT_RECALLING: Recall = { index: -1 };

/**
 * One ↑ (`older`) or ↓ step. Returns the new position and the message to put in the box, or undefined
 * when the step goes nowhere (no older entry, or already at the draft).
 */
export function recallStep(
  recall: Recall,
  entries: readonly HistoryEntry[],
  current: SavedMessage,
  direction: 'older' | 'newer',
): { recall: Recall; message: SavedMessage } | undefined {
  // Entries may have gone (cleared, bounded) since recall began.
  const index = Math.min(recall.index, entries.length - 1);
  if (direction === 'older') {
    if (index + 1 >= entries.length) return undefined;
    const draft = index < 0 ? current : recall.draft;
    return { recall: { index: index + 1, draft }, message: entries[index + 1].message };
  }
  if (index < 0) return undefined;
  if (index === 0) return { recall: NOT_RECALLING, message: recall.draft ?? { ...current, text: '' } };
  return { recall: { index: index - 1, draft: recall.draft }, message: entries[index - 1].message };
}

// --- presets ---

/** The presets a session shows, in their order: global ones and its own. */
export function presetsFor(presets: readonly Preset[], sessionId: string): Preset[] {
  return presets.filter((preset) => preset.sessionId === null || preset.sessionId === sessionId);
}

/** A name for a preset saved without one: the start of its text on one line. */
export function defaultPresetName(message: SavedMessage, fallback: string): string {
  const line = message.text.replace(/\s+/g, ' ').trim();
  if (line === '') return fallback;
  return line.length > 32 ? `${line.slice(0, 31)}…` : line;
}

/**
 * Moves a preset one place up (-1) or down (+1) among those the session shows, leaving every other
 * session's presets where they are. Unchanged when it is already first or last.
 */
export function movePreset(presets: readonly Preset[], sessionId: string, id: string, step: -1 | 1): Preset[] {
  const shown = presetsFor(presets, sessionId);
  const at = shown.findIndex((preset) => preset.id === id);
  const other = shown[at + step];
  if (at < 0 || !other) return [...presets];
  const from = presets.indexOf(shown[at]);
  const to = presets.indexOf(other);
  const moved = [...presets];
  moved[from] = other;
  moved[to] = shown[at];
  return moved;
}

export function renamePreset(presets: readonly Preset[], id: string, name: string): Preset[] {
  return presets.map((preset) => (preset.id === id ? { ...preset, name } : preset));
}

/** Removes a preset; `removed` and `index` put it back where it was (undo). */
export function deletePreset(
  presets: readonly Preset[],
  id: string,
): { presets: Preset[]; removed?: Preset; index: number } {
  const index = presets.findIndex((preset) => preset.id === id);
  if (index < 0) return { presets: [...presets], index };
  return { presets: presets.filter((preset) => preset.id !== id), removed: presets[index], index };
}

export function restorePreset(presets: readonly Preset[], removed: Preset, index: number): Preset[] {
  if (presets.some((preset) => preset.id === removed.id)) return [...presets];
  const restored = [...presets];
  restored.splice(Math.min(index, restored.length), 0, removed);
  return restored;
}

/** The presets a session shows, as a presets file (see shared/contract/presets.ts for the format). */
export function exportPresets(presets: readonly Preset[], sessionId: string): string {
  const file: PresetsFile = {
    format: PRESETS_FILE_FORMAT,
    version: PRESETS_FILE_VERSION,
    presets: presetsFor(presets, sessionId).map((preset) => ({
      name: preset.name,
      scope: preset.sessionId === null ? 'global' : 'session',
      message: preset.message,
    })),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/**
 * Reads a presets file into new presets ("session" ones for `sessionId`), or says in words what is wrong
 * with it. Nothing is imported from a file with any problem.
 */
export function importPresets(text: string, sessionId: string, newId: () => string): Result<Preset[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return fail('E_FORMAT', `The file is not JSON: ${err instanceof Error ? err.message : String(err)}`, {
      hint: 'Choose a file exported with “Export presets”.',
    });
  }
  const parsed = PresetsFile.safeParse(raw);
  if (!parsed.success) {
    return fail('E_FORMAT', `The presets file was not imported: ${formatIssues(parsed.error)}`, {
      hint: 'Nothing was imported; your presets are unchanged.',
    });
  }
  return ok(
    parsed.data.presets.map((preset) => ({
      id: newId(),
      name: preset.name,
      sessionId: preset.scope === 'session' ? sessionId : null,
      message: preset.message as SavedMessage,
    })),
  );
}

/** Adds imported presets after the existing ones, within MAX_PRESETS. */
export function addPresets(presets: readonly Preset[], added: readonly Preset[]): Result<Preset[]> {
  if (presets.length + added.length > MAX_PRESETS) {
    return fail(
      'E_LIMIT',
      `That would make ${presets.length + added.length} presets; at most ${MAX_PRESETS} are kept.`,
      {
        hint: 'Delete some presets first. Nothing was added.',
      },
    );
  }
  return ok([...presets, ...added]);
}
