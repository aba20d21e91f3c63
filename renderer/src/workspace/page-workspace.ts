import { create } from 'zustand';
import type { EngineEvent, SessionInfo, WorkspaceState, WorkspaceUi } from '../../../shared/contract';
import type { SockpitError } from '../../../shared/result';
import { errorSentence } from '../error-words';
import { HISTORY_KEY, memoryStorage, PRESETS_KEY, type SavedStorage } from '../presets/storage';
import { switchStorage, useSaved } from '../presets/store';
import { resync, run } from '../state/actions';
import { setStatus, useApp, type AppState } from '../state/store';
import { settleSession } from '../state/settled-sessions';
import { migrateFromBrowser } from './migrate';
import { appliedUi, pageUi, presetsOfLiveSessions } from './page-ui';

// The page's side of the workspace: after the link opens, read the workspace and put the page back as it was;
// from then on, save the page's part shortly after it changes. Everything goes through the engine's commands,
// so the Electron window and a browser tab remember the same way.

export interface WorkspacePageState {
  /** The workspace was read and applied: from now on changes are saved. */
  opened: boolean;
  /** Sessions that were running at the last save and are stopped now: what "Start all" starts. */
  toStart: string[];
  startRunningOnOpen: boolean;
  /** Said once after load: the saved workspace could not be read, and where the file was kept aside. */
  readProblem?: { message: string; keptAs?: string };
  /** The last save failed: why, in words. Cleared by the next save that works. */
  saveError?: SockpitError;
  /** The last Start all or import could not be done at all: why, in words. */
  actionError?: SockpitError;
}

export const useWorkspacePage = create<WorkspacePageState>(() => ({
  opened: false,
  toStart: [],
  startRunningOnOpen: false,
}));

/** The gap between the last change and its save: typing a message saves once, not once per key. */
export const SAVE_DELAY_MS = 300;

function browserStorage(): SavedStorage {
  return {
    read: (key) => localStorage.getItem(key),
    write: (key, text) => localStorage.setItem(key, text),
  };
}

let opening: Promise<void> | undefined;

/** Reads the workspace once per page load (a reconnect keeps what the page has, which is newer). */
export function openWorkspace(): Promise<void> {
  opening ??= readWorkspace().then((done) => {
    if (!done) opening = undefined;
  });
  return opening;
}

async function readWorkspace(): Promise<boolean> {
  const got = await run({ type: 'workspace.get' });
  if (!got.ok) {
    useWorkspacePage.setState({ actionError: got.error });
    return false;
  }
  const migrated = migrateFromBrowser(got.value.document.ui, browserStorage());
  adoptWorkspace({ ...got.value, document: { ...got.value.document, ui: migrated.ui } });
  useWorkspacePage.setState({ opened: true, readProblem: got.value.problem });
  // Old presets that could not be read are said where presets are, as they always were.
  if (migrated.problem) useSaved.setState({ problem: migrated.problem });
  watchForChanges();
  if (migrated.took) saveNow();
  const page = useWorkspacePage.getState();
  if (page.startRunningOnOpen && page.toStart.length > 0) await startAll();
  return true;
}

/** Puts a workspace's page part into the page: views, layout, language, theme, presets, history, the setting. */
export function adoptWorkspace(state: WorkspaceState): void {
  const { ui } = state.document;
  useApp.setState((app) => appliedUi(app, ui));
  const sessionIds = new Set(useApp.getState().order);
  // Sessions that were running before a restart are set up: their panes open on the log, not the settings.
  for (const session of state.document.sessions) if (session.wasRunning) settleSession(session.id);
  // A workspace without presets or history (a file written by hand) leaves the page's own in place.
  const saved = useSaved.getState();
  const presets = presetsOfLiveSessions(ui.presets?.presets ?? saved.presets, sessionIds);
  const history = ui.history?.entries ?? saved.history;
  switchStorage(
    memoryStorage({
      [PRESETS_KEY]: JSON.stringify({ version: 1, presets }),
      [HISTORY_KEY]: JSON.stringify({ version: 1, entries: history }),
    }),
  );
  useWorkspacePage.setState({
    toStart: state.toStart.filter((id) => sessionIds.has(id)),
    startRunningOnOpen: ui.startRunningOnOpen ?? false,
    actionError: undefined,
  });
  lastSaved = currentText();
}

let lastSaved: string | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;
let watching = false;

function currentText(): string {
  const saved = useSaved.getState();
  return JSON.stringify(
    pageUi(useApp.getState(), {
      presets: saved.presets,
      history: saved.history,
      startRunningOnOpen: useWorkspacePage.getState().startRunningOnOpen,
    }),
  );
}

/** Saves the page's part now if it differs from what was saved last; nothing while the workspace is not open. */
export function saveNow(): void {
  if (timer !== undefined) clearTimeout(timer);
  timer = undefined;
  if (!useWorkspacePage.getState().opened) return;
  const text = currentText();
  if (text === lastSaved) return;
  lastSaved = text;
  void run({ type: 'workspace.ui', ui: JSON.parse(text) as WorkspaceUi }).then((result) => {
    if (!result.ok) {
      // Not saved: the next change tries again with everything.
      lastSaved = undefined;
      useWorkspacePage.setState({ saveError: result.error });
    }
  });
}

function later(): void {
  if (timer !== undefined) clearTimeout(timer);
  timer = setTimeout(saveNow, SAVE_DELAY_MS);
}

/** The slices of the app store the workspace remembers: a change elsewhere (counters, status) saves nothing. */
function remembered(a: AppState, b: AppState): boolean {
  return (
    a.views === b.views &&
    a.order === b.order &&
    a.panes === b.panes &&
    a.paneSizes === b.paneSizes &&
    a.activePane === b.activePane &&
    a.language === b.language &&
    a.theme === b.theme
  );
}

function watchForChanges(): void {
  if (watching) return;
  watching = true;
  useApp.subscribe((state, previous) => {
    if (remembered(state, previous)) return;
    if (state.order !== previous.order) keepOrphanPresets();
    later();
  });
  useSaved.subscribe((state, previous) => {
    if (state.presets !== previous.presets || state.history !== previous.history) later();
  });
  useWorkspacePage.subscribe((state, previous) => {
    if (state.startRunningOnOpen !== previous.startRunningOnOpen) later();
  });
  // A reload within the save delay must not lose the last change: the link is still open while the page goes.
  window.addEventListener('pagehide', saveNow);
}

/** A removed session's presets stay, for every session (see `presetsOfLiveSessions`). */
function keepOrphanPresets(): void {
  const sessionIds = new Set(useApp.getState().order);
  const { presets } = useSaved.getState();
  const kept = presetsOfLiveSessions(presets, sessionIds);
  if (kept.some((preset, index) => preset !== presets[index])) useSaved.setState({ presets: kept });
}

/** Running, or on its way: what Stop would stop. */
export function isRunning(session: SessionInfo): boolean {
  return session.state !== 'idle' && session.state !== 'failed';
}

export function setStartRunningOnOpen(value: boolean): void {
  useWorkspacePage.setState({ startRunningOnOpen: value });
}

/** "Start all": every session that was running before; each failure is said in that session's status line. */
export async function startAll(): Promise<void> {
  const result = await run({ type: 'session.startAll' });
  if (!result.ok) {
    useWorkspacePage.setState({ actionError: result.error });
    return;
  }
  for (const failure of result.value.failed) setStatus(failure.sessionId, 'error', failure.error, 'start');
  useWorkspacePage.setState({ toStart: [], actionError: undefined });
}

/** The engine said how a save went: a failure stays in the workspace bar until a later save works. */
export function workspaceSaved(event: Extract<EngineEvent, { type: 'workspace.saved' }>): void {
  useWorkspacePage.setState({ saveError: event.error });
}

export function dismissWorkspaceProblem(): void {
  useWorkspacePage.setState({ readProblem: undefined, actionError: undefined });
}

/** The whole workspace as a file a person can keep: the page's latest part saved first. */
export async function exportWorkspace(): Promise<{ text: string } | { error: string }> {
  saveNow();
  const got = await run({ type: 'workspace.get' });
  if (!got.ok) return { error: errorSentence(got.error) };
  return { text: `${JSON.stringify(got.value.document, null, 2)}\n` };
}

/** Replaces every session and the page's part with a workspace file's, already checked by the caller. */
export async function importWorkspace(document: WorkspaceState['document']): Promise<string | undefined> {
  const imported = await run({ type: 'workspace.import', document });
  if (!imported.ok) return errorSentence(imported.error);
  await resync();
  adoptWorkspace(imported.value);
  // What the file did not say (language, presets it lacks) is the page's: the engine gets the whole of it.
  lastSaved = undefined;
  saveNow();
  return undefined;
}
