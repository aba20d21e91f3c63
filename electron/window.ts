import path from 'node:path';
import type { BrowserWindowConstructorOptions } from 'electron';

// Pure policy for the desktop window: what the window may do, where it may go, which files the app://
// scheme serves. Only `import type` from electron, so all of it is tested in plain Node; main.ts wires it.

export { CSP } from '../shared/csp';

export const APP_SCHEME = 'app';
export const APP_HOST = 'bundle';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** Where the window loads the UI from — a privileged custom scheme, never file:// (checklist #18). */
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Below this the session form and the log no longer fit side by side. */
export const MIN_WINDOW_SIZE = { width: 800, height: 560 } as const;
export const DEFAULT_WINDOW_SIZE = { width: 1280, height: 820 } as const;

export interface WindowBounds {
  /** Omitted: Electron centres the window. */
  x?: number;
  y?: number;
  width: number;
  height: number;
}

export interface WindowOptionsInput {
  /** Absolute path of the bundled, single-file preload. */
  preload: string;
  isPackaged: boolean;
  bounds: WindowBounds;
  /** Paint the background in the theme's colour so the window does not flash white before React draws. */
  dark?: boolean;
}

export function windowOptions({
  preload,
  isPackaged,
  bounds,
  dark = false,
}: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    ...(bounds.x !== undefined && bounds.y !== undefined ? { x: bounds.x, y: bounds.y } : {}),
    width: bounds.width,
    height: bounds.height,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    // Shown on ready-to-show, so nobody sees an empty frame.
    show: false,
    title: 'Sockpit',
    backgroundColor: dark ? '#1e1e1e' : '#ffffff',
    // Every flag is spelled out even where it is Electron's default: a default can change between majors,
    // and the unit test then still proves what we ship. experimentalFeatures and enableBlinkFeatures are
    // left out on purpose (checklist #9, #10).
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      devTools: !isPackaged,
    },
  };
}

function parse(raw: unknown): URL | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

/**
 * The origin of a URL as the renderer sees it, or undefined when it has none worth comparing.
 * Node's URL (which main uses) reports the origin of every scheme it does not know — app: included —
 * as the string "null", so comparing `new URL(u).origin` with APP_ORIGIN would refuse our own pages,
 * and comparing two of them would accept any app:// host. The app scheme's origin is rebuilt from its
 * host instead; credentials make a URL ours no longer (`app://bundle@evil` has the host "evil").
 */
export function originOf(raw: unknown): string | undefined {
  const url = parse(raw);
  if (!url) return undefined;
  if (url.protocol === `${APP_SCHEME}:`) {
    if (url.username || url.password || !url.host) return undefined;
    return `${url.protocol}//${url.host}`;
  }
  return url.origin === 'null' ? undefined : url.origin;
}

/** Navigation (top frame, subframes, redirects) stays inside the bundle (checklist #13). */
export function isAllowedNavigation(raw: unknown): boolean {
  return originOf(raw) === APP_ORIGIN;
}

/**
 * Links the OS may open in the user's browser: http(s) only — file:, smb:, ms-msdt:, vscode: and friends
 * run programs or reach file shares (checklist #15) — and never with credentials, which would hand a
 * user name and password to whatever the link points at.
 */
export function isSafeExternal(raw: unknown): boolean {
  const url = parse(raw);
  if (!url) return false;
  return (
    (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '' && !url.username && !url.password
  );
}

export type BundleLookup = { ok: true; path: string } | { ok: false; status: 400 | 404 };

/**
 * Maps an app:// request to a file inside the built renderer, or refuses it. 404 for anything that is not
 * our host; 400 for a path that escapes the folder (`..%2f`), does not decode, or carries characters no
 * bundle file has (NUL, backslash — a separator on Windows — and colon, a drive or an NTFS stream).
 */
export function resolveBundlePath(rendererDir: string, requestUrl: string): BundleLookup {
  const url = parse(requestUrl);
  if (!url) return { ok: false, status: 400 };
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST || url.username || url.password)
    return { ok: false, status: 404 };
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return { ok: false, status: 400 };
  }
  if (/[\0\\:]/.test(decoded)) return { ok: false, status: 400 };
  const wanted = decoded === '' || decoded === '/' ? '/index.html' : decoded;
  const root = path.resolve(rendererDir);
  const target = path.resolve(root, `.${wanted}`);
  const rel = path.relative(root, target);
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel))
    return { ok: false, status: 400 };
  return { ok: true, path: target };
}
