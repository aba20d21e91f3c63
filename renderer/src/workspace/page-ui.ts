import type { SessionViewSettings, WorkspaceLayout, WorkspaceUi } from '../../../shared/contract';
import { draftFromSpec, parseFramingDraft, type FramingDraft } from '../framing/choice';
import type { HistoryEntry, Preset } from '../presets/saved';

// The page's part of the workspace as pure functions: what of the page's state is remembered (`pageUi`), and
// how a remembered `ui` goes back into the page (`appliedUi`). No link, no store: the tests drive them directly.

/** What the page remembers besides the app store: presets and history (their own store) and one setting. */
export interface PageExtras {
  presets: readonly Preset[];
  history: readonly HistoryEntry[];
  startRunningOnOpen: boolean;
}

/** The fields of a session's view (state/store.ts `SessionView`) that the workspace remembers. */
export interface RememberedView {
  receiveEncoding: NonNullable<SessionViewSettings['receiveEncoding']>;
  viewMode: NonNullable<SessionViewSettings['viewMode']>;
  timestamps: boolean;
  autoScroll: boolean;
  framing?: FramingDraft;
  send: Required<NonNullable<SessionViewSettings['send']>>;
}

/** The slices of the app store (state/store.ts `AppState`) that the workspace remembers. */
export interface RememberedState<View extends RememberedView = RememberedView> {
  order: string[];
  views: Record<string, View>;
  panes: Array<string | null>;
  paneSizes: number[];
  activePane: number;
  language: 'en' | 'zh-CN';
  theme: 'system' | 'light' | 'dark';
}

export function viewSettings(view: RememberedView): SessionViewSettings {
  const framing = view.framing ? parseFramingDraft(view.framing) : undefined;
  const { text, mode, encoding, escapes, lineEnding, checksum } = view.send;
  return {
    receiveEncoding: view.receiveEncoding,
    viewMode: view.viewMode,
    timestamps: view.timestamps,
    autoScroll: view.autoScroll,
    // A half-typed framing the view does not apply is not remembered either: the view uses the session's.
    ...(framing?.ok ? { framing: framing.framing } : {}),
    send: { text, mode, encoding, escapes, lineEnding, checksum },
  };
}

/** The page keeps pane sizes as weights (a drag moves weight between two panes); the workspace as fractions. */
export function fractions(weights: readonly number[]): number[] {
  const total = weights.reduce((sum, weight) => sum + Math.max(0, weight), 0);
  if (!(total > 0)) return weights.map(() => 1 / Math.max(1, weights.length));
  return weights.map((weight) => Math.min(1, Math.max(0, weight) / total));
}

export function pageUi(state: RememberedState, extras: PageExtras): WorkspaceUi {
  const views: Record<string, SessionViewSettings> = {};
  for (const id of state.order) {
    const view = state.views[id];
    if (view) views[id] = viewSettings(view);
  }
  return {
    views,
    layout: {
      panes: state.panes.slice(0, 4),
      paneSizes: fractions(state.paneSizes.slice(0, 4)),
      activePane: Math.min(3, Math.max(0, state.activePane)),
    },
    language: state.language,
    theme: state.theme,
    presets: { version: 1, presets: [...extras.presets] },
    history: { version: 1, entries: [...extras.history] },
    startRunningOnOpen: extras.startRunningOnOpen,
  };
}

/** A session's view with what the workspace remembered for it laid over; fields it does not name stay. */
export function viewWith<View extends RememberedView>(view: View, settings: SessionViewSettings | undefined): View {
  if (!settings) return view;
  return {
    ...view,
    ...(settings.receiveEncoding ? { receiveEncoding: settings.receiveEncoding } : {}),
    ...(settings.viewMode ? { viewMode: settings.viewMode } : {}),
    ...(settings.timestamps !== undefined ? { timestamps: settings.timestamps } : {}),
    ...(settings.autoScroll !== undefined ? { autoScroll: settings.autoScroll } : {}),
    ...(settings.framing ? { framing: draftFromSpec(settings.framing) } : {}),
    send: { ...view.send, ...settings.send },
  };
}

/**
 * The remembered layout for the sessions there are now: a pane whose session is gone becomes empty, sizes
 * follow the pane count, the active pane stays inside. Undefined when nothing of it fits.
 */
export function layoutFor(layout: WorkspaceLayout | undefined, sessionIds: ReadonlySet<string>) {
  if (!layout) return undefined;
  const panes = layout.panes.map((id) => (id !== null && sessionIds.has(id) ? id : null));
  const sized = layout.paneSizes.length === panes.length && layout.paneSizes.every((size) => size > 0);
  return {
    panes,
    paneSizes: sized ? [...layout.paneSizes] : panes.map(() => 1),
    activePane: Math.min(layout.activePane, panes.length - 1),
  };
}

/** What applying a workspace's `ui` changes in the app store; sessions it has no view for keep their defaults. */
export function appliedUi<View extends RememberedView>(
  state: RememberedState<View>,
  ui: WorkspaceUi,
): Partial<RememberedState<View>> {
  const sessionIds = new Set(state.order);
  const views = { ...state.views };
  for (const id of state.order) {
    const view = views[id];
    if (view) views[id] = viewWith(view, ui.views?.[id]);
  }
  const layout = layoutFor(ui.layout, sessionIds);
  return {
    views,
    ...(layout && layout.panes.some((id) => id !== null) ? layout : {}),
    ...(ui.language ? { language: ui.language } : {}),
    ...(ui.theme ? { theme: ui.theme } : {}),
  };
}

/**
 * Presets of a session that no longer exists become presets of every session: a person who removed a session
 * (or whose sessions were not kept) still finds the messages they saved, in the list of every other session.
 */
export function presetsOfLiveSessions(presets: readonly Preset[], sessionIds: ReadonlySet<string>): Preset[] {
  if (presets.every((preset) => preset.sessionId === null || sessionIds.has(preset.sessionId))) return [...presets];
  return presets.map((preset) =>
    preset.sessionId === null || sessionIds.has(preset.sessionId) ? preset : { ...preset, sessionId: null },
  );
}
