import { create } from 'zustand';
import { SendFields, StoredHistory, StoredPresets } from '../../../shared/contract';
import type { Result } from '../../../shared/result';
import { sendMessage } from '../state/actions';
import { fieldsFromDraft, scheduleDraft } from '../state/send-schedule';
import { updateSend, useApp, type SendDraft } from '../state/store';
import {
  addPresets,
  defaultPresetName,
  deletePreset,
  exportPresets,
  importPresets,
  messageOf,
  movePreset,
  NOT_RECALLING,
  presetsFor,
  recallStep,
  remember,
  renamePreset,
  restorePreset,
  SHORTCUT_PRESETS,
  type HistoryEntry,
  type Preset,
  type Recall,
  type SavedMessage,
} from './saved';
import { HISTORY_KEY, loadStored, memoryStorage, PRESETS_KEY, saveStored, type SavedStorage } from './storage';

// Presets and history for every session of this window, kept in the workspace (see storage.ts).

export interface SavedState {
  presets: Preset[];
  history: HistoryEntry[];
  /** Saved data that could not be read or written, in words; shown until dismissed. */
  problem?: string;
  /** The preset deleted last, until Undo or the next delete. */
  deleted?: { preset: Preset; index: number };
  /** Per session: where ↑/↓ is in the history. */
  recall: Record<string, Recall>;
}

/** Until the workspace opens (`switchStorage`), presets and history are the page's alone: nothing to read yet. */
let storage: SavedStorage = memoryStorage();

function load(): Pick<SavedState, 'presets' | 'history' | 'problem'> {
  const presets = loadStored(storage, PRESETS_KEY, StoredPresets, { version: 1 as const, presets: [] });
  const history = loadStored(storage, HISTORY_KEY, StoredHistory, { version: 1 as const, entries: [] });
  const problems = [
    presets.problem &&
      `Saved presets could not be read (${presets.problem}).${presets.keptAs ? ` They were kept as “${presets.keptAs}”.` : ''}`,
    history.problem &&
      `The saved history could not be read (${history.problem}).${history.keptAs ? ` It was kept as “${history.keptAs}”.` : ''}`,
  ].filter(Boolean);
  return {
    presets: presets.value.presets as Preset[],
    history: history.value.entries as HistoryEntry[],
    problem: problems.length > 0 ? problems.join(' ') : undefined,
  };
}

export const useSaved = create<SavedState>(() => ({ ...load(), recall: {} }));

useSaved.subscribe((state, previous) => {
  const problems: string[] = [];
  if (state.presets !== previous.presets) {
    const problem = saveStored(storage, PRESETS_KEY, { version: 1, presets: state.presets });
    if (problem) problems.push(problem);
  }
  if (state.history !== previous.history) {
    const problem = saveStored(storage, HISTORY_KEY, { version: 1, entries: state.history });
    if (problem) problems.push(problem);
  }
  if (problems.length > 0) useSaved.setState({ problem: problems.join(' ') });
});

/** Reads presets and history again from `next` (the workspace's storage, or a test's). */
export function switchStorage(next: SavedStorage): void {
  storage = next;
  useSaved.setState({ ...load(), recall: {}, deleted: undefined });
}

let idCount = 0;
function newId(): string {
  return `p${Date.now().toString(36)}${(++idCount).toString(36)}`;
}

function sendDraft(sessionId: string): SendDraft | undefined {
  return useApp.getState().views[sessionId]?.send;
}

/**
 * The box's message as it is kept: with its send-time field settings (counter, length, checksum range) when
 * its text has a placeholder, so a preset or a recalled message with {counter} counts the way it did.
 */
function keptMessage(sessionId: string, send: SendDraft): SavedMessage {
  const message = messageOf(send);
  if (!send.text.includes('{')) return message;
  // Settings the send itself would refuse are not kept: the message then counts with the box's settings.
  const fields = SendFields.safeParse(fieldsFromDraft(scheduleDraft(sessionId)));
  return fields.success ? { ...message, fields: fields.data } : message;
}

/** The box sent `send`: it becomes the newest history entry and ↑ starts again from it. */
export function rememberSent(sessionId: string, send: SendDraft): void {
  useSaved.setState((state) => ({
    history: remember(state.history, keptMessage(sessionId, send), Date.now()),
    recall: { ...state.recall, [sessionId]: NOT_RECALLING },
  }));
}

/** Saves the send box's message with all its options; an empty name becomes the start of the text. */
export function saveAsPreset(sessionId: string, name: string, onlyThisSession: boolean): void {
  const send = sendDraft(sessionId);
  if (!send) return;
  savePreset(sessionId, keptMessage(sessionId, send), name, onlyThisSession);
}

export function savePreset(sessionId: string, message: SavedMessage, name: string, onlyThisSession: boolean): void {
  useSaved.setState((state) => {
    const preset: Preset = {
      id: newId(),
      name: name.trim() || defaultPresetName(message, `#${state.presets.length + 1}`),
      sessionId: onlyThisSession ? sessionId : null,
      message,
    };
    return { presets: [...state.presets, preset] };
  });
}

export function sendPreset(sessionId: string, id: string): Promise<boolean> {
  const preset = useSaved.getState().presets.find((p) => p.id === id);
  return preset ? sendMessage(sessionId, preset.message) : Promise.resolve(false);
}

/** Alt+1 … Alt+9: the nth preset the session shows (1-based); false when there is none. */
export function sendPresetNumber(sessionId: string, number: number): boolean {
  if (number < 1 || number > SHORTCUT_PRESETS) return false;
  const preset = presetsFor(useSaved.getState().presets, sessionId)[number - 1];
  if (!preset) return false;
  void sendMessage(sessionId, preset.message);
  return true;
}

export function movePresetBy(sessionId: string, id: string, step: -1 | 1): void {
  useSaved.setState((state) => ({ presets: movePreset(state.presets, sessionId, id, step) }));
}

export function renamePresetTo(id: string, name: string): void {
  const trimmed = name.trim();
  if (trimmed === '') return;
  useSaved.setState((state) => ({ presets: renamePreset(state.presets, id, trimmed) }));
}

export function removePreset(id: string): void {
  useSaved.setState((state) => {
    const { presets, removed, index } = deletePreset(state.presets, id);
    return removed ? { presets, deleted: { preset: removed, index } } : {};
  });
}

export function undoRemove(): void {
  useSaved.setState((state) =>
    state.deleted
      ? { presets: restorePreset(state.presets, state.deleted.preset, state.deleted.index), deleted: undefined }
      : {},
  );
}

export function forgetRemoved(): void {
  useSaved.setState({ deleted: undefined });
}

export function presetsFileText(sessionId: string): string {
  return exportPresets(useSaved.getState().presets, sessionId);
}

/** Adds the presets of a presets file; on any problem nothing is added and the result says why. */
export function importPresetsText(sessionId: string, text: string): Result<number> {
  const imported = importPresets(text, sessionId, newId);
  if (!imported.ok) return imported;
  const added = addPresets(useSaved.getState().presets, imported.value);
  if (!added.ok) return added;
  useSaved.setState({ presets: added.value });
  return { ok: true, value: imported.value.length };
}

export function dismissProblem(): void {
  useSaved.setState({ problem: undefined });
}

/** Puts a saved message (a history entry) in the send box with all its options; the target stays. */
export function putInBox(sessionId: string, message: SavedMessage): void {
  updateSend(sessionId, message);
  useSaved.setState((state) => ({ recall: { ...state.recall, [sessionId]: NOT_RECALLING } }));
}

/** ↑ (older) or ↓ (newer) in the message box; false when there is nowhere to go, so the key does what it usually does. */
export function recallHistory(sessionId: string, direction: 'older' | 'newer'): boolean {
  const send = sendDraft(sessionId);
  if (!send) return false;
  const state = useSaved.getState();
  const step = recallStep(state.recall[sessionId] ?? NOT_RECALLING, state.history, messageOf(send), direction);
  if (!step) return false;
  updateSend(sessionId, step.message);
  useSaved.setState({ recall: { ...state.recall, [sessionId]: step.recall } });
  return true;
}
