import { create } from 'zustand';
import type {
  CaptureFileFormat,
  NetworkInterfaceAddress,
  SessionInfo,
  SessionKind,
  SessionStats,
} from '../../../shared/contract';
import type { LinkState } from '../../../shared/contract/wire';
import type { ChecksumKind, Encoding, LineEnding, SendMode } from '../../../shared/codec/options';
import type { SockpitError } from '../../../shared/result';
import type { ViewMode } from '../log/format';
import type { FramingDraft } from '../framing/choice';

export type { ViewMode };
export type Language = 'en' | 'zh-CN';
export type ThemeChoice = 'system' | 'light' | 'dark';

/** The settings bar as typed: strings, so a half-typed port is not an error until Start. */
export interface SettingsDraft {
  kind: SessionKind;
  localHost: string;
  localPort: string;
  remoteHost: string;
  remotePort: string;
  maxClients: string;
  idleTimeoutSec: string;
  allowHalfOpen: boolean;
  reconnect: boolean;
  reconnectIntervalMs: string;
  clientMode: 'long' | 'short';
  connectTimeoutMs: string;
  keepAlive: boolean;
  noDelay: boolean;
  broadcast: boolean;
  multicastGroup: string;
  ttl: string;
  multicastTtl: string;
  multicastLoopback: boolean;
  maxClientsPerIp: string;
  shortIdleMs: string;
  shortTimeoutMs: string;
  reuseAddr: boolean;
  recvBufferKiB: string;
  captureCapMiB: string;
  echo: boolean;
  /** TCP: sent on every new connection (escapes on in text mode); empty: no greeting. */
  greeting: string;
  greetingMode: SendMode;
}

export type SendTargetChoice = 'all' | 'selected' | 'remote' | 'last-sender';

export interface SendDraft {
  text: string;
  mode: SendMode;
  encoding: Encoding;
  escapes: boolean;
  lineEnding: LineEnding;
  checksum: ChecksumKind;
  /** A TCP server sends to every client or to the ticked ones; UDP to the remote above or back to the last sender. */
  target: SendTargetChoice;
}

/** The capture-to-file box as typed. */
export interface CaptureFileDraft {
  path: string;
  format: CaptureFileFormat;
  append: boolean;
}

export interface SessionView {
  draft: SettingsDraft;
  send: SendDraft;
  captureFile: CaptureFileDraft;
  receiveEncoding: Encoding;
  viewMode: ViewMode;
  paused: boolean;
  autoScroll: boolean;
  timestamps: boolean;
  selected: string[];
  /** What the status line says: the last error in words with its hint, or the last outcome. */
  status?: { tone: 'error' | 'info'; error: SockpitError; action?: StatusAction };
  /** The session's name was made by us and follows its kind. */
  autoName: boolean;
  /** How this view cuts received bytes into messages, as typed; absent: the session's framing. */
  framing?: FramingDraft;
}

export interface AppState {
  link: LinkState;
  linkKind: 'electron' | 'bridge' | 'none';
  linkError?: string;
  sessions: Record<string, SessionInfo>;
  order: string[];
  /** The newest counters per session; connections live in the connection store (state/connections.ts). */
  stats: Record<string, SessionStats>;
  views: Record<string, SessionView>;
  /** Session shown in each pane, left to right; null is an empty pane. */
  panes: Array<string | null>;
  paneSizes: number[];
  activePane: number;
  interfaces: NetworkInterfaceAddress[];
  language: Language;
  theme: ThemeChoice;
}

export const DEFAULT_PORT = 8080;

export function defaultDraft(kind: SessionKind): SettingsDraft {
  return {
    kind,
    localHost: kind === 'tcp-client' ? '' : '0.0.0.0',
    localPort: kind === 'tcp-server' ? String(DEFAULT_PORT) : kind === 'udp' ? String(DEFAULT_PORT) : '',
    remoteHost: kind === 'tcp-client' ? '127.0.0.1' : '',
    remotePort: kind === 'tcp-client' ? String(DEFAULT_PORT) : '',
    maxClients: '',
    idleTimeoutSec: '',
    allowHalfOpen: false,
    reconnect: false,
    reconnectIntervalMs: '2000',
    clientMode: 'long',
    connectTimeoutMs: '10000',
    keepAlive: false,
    noDelay: true,
    broadcast: false,
    multicastGroup: '',
    ttl: '',
    multicastTtl: '',
    multicastLoopback: true,
    maxClientsPerIp: '',
    shortIdleMs: '300',
    shortTimeoutMs: '5000',
    reuseAddr: false,
    recvBufferKiB: '4096',
    captureCapMiB: '64',
    echo: false,
    greeting: '',
    greetingMode: 'text',
  };
}

export function defaultView(
  kind: SessionKind,
  preferred?: Partial<Pick<SessionView, 'receiveEncoding'>> & { sendEncoding?: Encoding },
): SessionView {
  return {
    draft: defaultDraft(kind),
    send: {
      text: '',
      mode: 'text',
      encoding: preferred?.sendEncoding ?? 'utf-8',
      escapes: false,
      lineEnding: 'none',
      checksum: 'none',
      target: kind === 'udp' ? 'remote' : 'all',
    },
    captureFile: { path: '', format: 'raw', append: false },
    receiveEncoding: preferred?.receiveEncoding ?? 'utf-8',
    viewMode: 'text',
    paused: false,
    autoScroll: true,
    timestamps: true,
    selected: [],
    autoName: true,
  };
}

/** Where older versions kept language and theme; the workspace holds them now (workspace/migrate.ts). */
const PREFERENCES_KEY = 'sockpit.preferences';

/** What to show until the workspace says: the old saved choice if there is one, else the browser's language. */
function initialPreferences(): { language: Language; theme: ThemeChoice } {
  let saved: Partial<{ language: Language; theme: ThemeChoice }> = {};
  try {
    saved = JSON.parse(localStorage.getItem(PREFERENCES_KEY) ?? '{}') as typeof saved;
  } catch {
    // A corrupt preference is forgotten, not fatal.
  }
  const language: Language =
    saved.language === 'en' || saved.language === 'zh-CN'
      ? saved.language
      : navigator.language.toLowerCase().startsWith('zh')
        ? 'zh-CN'
        : 'en';
  const theme: ThemeChoice = saved.theme === 'light' || saved.theme === 'dark' ? saved.theme : 'system';
  return { language, theme };
}

export const useApp = create<AppState>(() => ({
  link: 'connecting',
  linkKind: 'none',
  sessions: {},
  order: [],
  stats: {},
  views: {},
  panes: [null],
  paneSizes: [1],
  activePane: 0,
  interfaces: [],
  ...initialPreferences(),
}));

/** Change one session's view; everything else stays as it is. */
export function updateView(sessionId: string, change: (view: SessionView) => Partial<SessionView>): void {
  useApp.setState((state) => {
    const view = state.views[sessionId];
    if (!view) return {};
    return { views: { ...state.views, [sessionId]: { ...view, ...change(view) } } };
  });
}

export function updateDraft(sessionId: string, change: Partial<SettingsDraft>): void {
  updateView(sessionId, (view) => ({ draft: { ...view.draft, ...change } }));
}

export function updateSend(sessionId: string, change: Partial<SendDraft>): void {
  updateView(sessionId, (view) => ({ send: { ...view.send, ...change } }));
}

/** The kind of action an error in the status line came from: the next success of that kind clears it. */
export type StatusAction = 'start' | 'send';

export function setStatus(
  sessionId: string,
  tone: 'error' | 'info',
  error: SockpitError | undefined,
  action?: StatusAction,
): void {
  updateView(sessionId, () => ({ status: error ? { tone, error, action } : undefined }));
}

/**
 * An action of this kind went well: an error a failed one of the same kind left in the status line is stale, and
 * so is one no action is known for. An error of the other kind stays: a send does not explain away a failed start.
 */
export function clearStaleError(sessionId: string, action: StatusAction): void {
  const status = useApp.getState().views[sessionId]?.status;
  if (status && (status.action === undefined || status.action === action)) setStatus(sessionId, 'info', undefined);
}
