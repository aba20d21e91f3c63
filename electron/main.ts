import { mkdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  app,
  BrowserWindow,
  ipcMain,
  nativeTheme,
  net,
  protocol,
  screen,
  session,
  shell,
  type WebContents,
} from 'electron';
import { IPC_CHANNELS } from '../shared/contract/wire';
import { Engine } from '../engine/engine';
import { openWorkspace, WORKSPACE_FILE_NAME, type OpenedWorkspace } from '../engine/workspace-open';
import { EventStream } from '../stream/event-stream';
import { isTrustedSenderFrame, registerIpc } from './ipc';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  CSP,
  isAllowedNavigation,
  isSafeExternal,
  resolveBundlePath,
  windowOptions,
} from './window';
import { loadWindowState, saveWindowState } from './window-state';

// Glue only: every decision (window flags, allowed URLs, served files, sender checks, saved bounds) is
// made by the pure modules beside this one, which the unit tests cover without an Electron binary.

/** Sockets get this long to close on quit; the OS reclaims whatever is left when the process ends. */
const SHUTDOWN_LIMIT_MS = 2000;
const SAVE_BOUNDS_DELAY_MS = 500;
// out/main/index.js → out/renderer and out/preload, the same inside app.asar.
const RENDERER_DIR = path.join(__dirname, '../renderer');
const PRELOAD_PATH = path.join(__dirname, '../preload/index.js');

// Tests give every launch its own profile (and so its own single-instance lock); a packaged app ignores
// the variable, so nothing in the environment can move a user's profile.
const testUserData = process.env.SOCKPIT_USER_DATA;
if (!app.isPackaged && testUserData && path.isAbsolute(testUserData)) {
  mkdirSync(testUserData, { recursive: true });
  app.setPath('userData', testUserData);
}

app.enableSandbox();
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

if (app.requestSingleInstanceLock()) {
  start();
} else {
  // The first instance owns the sockets and gets focused through 'second-instance'.
  app.quit();
}

function start(): void {
  const engine = new Engine();
  let mainWindow: BrowserWindow | undefined;
  // Opened before the window exists, so the page's first session.list already has the saved sessions.
  const workspace: Promise<OpenedWorkspace | undefined> = openWorkspace(
    engine,
    path.join(app.getPath('userData'), WORKSPACE_FILE_NAME),
  ).catch((err: unknown) => {
    console.error(`Sockpit could not open its workspace: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  });

  app.on('web-contents-created', (_event, contents) => harden(contents));
  app.on('second-instance', () => {
    if (!mainWindow || mainWindow.isDestroyed()) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  // A debugging tool, not a document app: no window, nothing to do — on macOS too.
  app.on('window-all-closed', () => app.quit());

  let quitState: 'running' | 'closing' | 'closed' = 'running';
  app.on('before-quit', (event) => {
    if (quitState === 'closed') return;
    // Hold the quit until every listener is closed, so a second start can bind the same port at once.
    event.preventDefault();
    if (quitState === 'closing') return;
    quitState = 'closing';
    // The workspace is written and closed while it still says which sessions run; stopping them changes nothing.
    void closeWorkspace(workspace)
      .then(() => closeSockets(engine))
      .finally(() => {
        quitState = 'closed';
        app.quit();
      });
  });

  void Promise.all([app.whenReady(), workspace]).then(() => {
    secureSession();
    mainWindow = createWindow(engine);
  });
}

async function closeWorkspace(opening: Promise<OpenedWorkspace | undefined>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, SHUTDOWN_LIMIT_MS);
  });
  await Promise.race([opening.then((opened) => opened?.close()).catch(() => undefined), limit]);
  clearTimeout(timer);
}

async function closeSockets(engine: Engine): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, SHUTDOWN_LIMIT_MS);
  });
  await Promise.race([engine.shutdown().catch(() => undefined), limit]);
  clearTimeout(timer);
}

function secureSession(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405 });
    const found = resolveBundlePath(RENDERER_DIR, request.url);
    if (!found.ok) return new Response(null, { status: found.status });
    try {
      // A directory would come back as Chromium's file listing; only files are part of the bundle.
      if (!(await stat(found.path)).isFile()) return new Response(null, { status: 404 });
      const file = await net.fetch(pathToFileURL(found.path).toString());
      if (!file.ok) return new Response(null, { status: 404 });
      const headers = new Headers(file.headers);
      // Set here as well as below: whether webRequest sees custom-protocol responses has varied by version.
      headers.set('Content-Security-Policy', CSP);
      headers.set('X-Content-Type-Options', 'nosniff');
      return new Response(file.body, { status: 200, headers });
    } catch {
      return new Response(null, { status: 404 });
    }
  });

  const ses = session.defaultSession;
  // Electron grants every permission unless told otherwise; a socket tool needs none (checklist #5).
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
}

/** Applied to every web contents the app ever creates, not only our window (checklist #11–#15). */
function harden(contents: WebContents): void {
  const keepInBundle = (event: { url: string; preventDefault(): void }) => {
    if (!isAllowedNavigation(event.url)) event.preventDefault();
  };
  contents.on('will-navigate', keepInBundle);
  // Also catches a subframe navigating the top frame (CVE-2020-15174) and iframe navigations.
  contents.on('will-frame-navigate', keepInBundle);
  contents.on('will-redirect', keepInBundle);
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternal(url)) {
      // Outside the handler, so a slow or failing browser launch cannot hold the renderer's request.
      setImmediate(() => {
        shell.openExternal(url).catch(() => undefined);
      });
    }
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

function createWindow(engine: Engine): BrowserWindow {
  const userData = app.getPath('userData');
  const state = loadWindowState(
    userData,
    screen.getAllDisplays().map((display) => display.workArea),
  );
  const mainWindow = new BrowserWindow(
    windowOptions({
      preload: PRELOAD_PATH,
      isPackaged: app.isPackaged,
      bounds: state,
      dark: nativeTheme.shouldUseDarkColors,
    }),
  );
  if (state.maximized) mainWindow.maximize();

  // One stream per window: packed batches out, at most MAX_UNACKED_BATCHES of them unacknowledged.
  const stream = new EventStream(engine, (bytes) => {
    if (!mainWindow.isDestroyed() && !mainWindow.webContents.isDestroyed())
      mainWindow.webContents.send(IPC_CHANNELS.batch, bytes);
  });
  // Read the main frame at call time: a reload or a renderer crash replaces it.
  const unregister = registerIpc({
    ipcMain,
    engine,
    isTrustedSender: (event) =>
      !mainWindow.isDestroyed() && isTrustedSenderFrame(event, mainWindow.webContents.mainFrame),
    ack: (batchId) => stream.ack(batchId),
  });
  // A reload or a crash-and-reload replaces the page; what was in flight to the old one is never
  // acknowledged. By dom-ready the new preload is listening (it holds batches until the page subscribes).
  mainWindow.webContents.on('dom-ready', () => stream.restart());

  // Sessions belong to the engine, as with the bridge: a reloaded (or crashed and reloaded) page finds
  // them again through session.list; they end when the window closes, because the app quits then.

  let saveTimer: NodeJS.Timeout | undefined;
  const saveBounds = () => {
    clearTimeout(saveTimer);
    saveTimer = undefined;
    if (mainWindow.isDestroyed()) return;
    saveWindowState(userData, { ...mainWindow.getNormalBounds(), maximized: mainWindow.isMaximized() });
  };
  const scheduleSave = () => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(saveBounds, SAVE_BOUNDS_DELAY_MS);
  };
  mainWindow.on('resize', scheduleSave);
  mainWindow.on('move', scheduleSave);
  mainWindow.on('maximize', scheduleSave);
  mainWindow.on('unmaximize', scheduleSave);
  mainWindow.on('close', saveBounds);
  mainWindow.on('closed', () => {
    clearTimeout(saveTimer);
    stream.close();
    unregister();
  });

  mainWindow.once('ready-to-show', () => mainWindow.show());
  mainWindow.loadURL(APP_ENTRY_URL).catch((err: unknown) => {
    console.error(`Sockpit could not load its window: ${err instanceof Error ? err.message : String(err)}`);
  });
  return mainWindow;
}
