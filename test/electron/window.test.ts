import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CSP as SHARED_CSP } from '../../shared/csp';
import {
  APP_ENTRY_URL,
  APP_ORIGIN,
  CSP,
  isAllowedNavigation,
  isSafeExternal,
  MIN_WINDOW_SIZE,
  originOf,
  resolveBundlePath,
  windowOptions,
} from '../../electron/window';

const PRELOAD = '/opt/sockpit/out/preload/index.js';
const BOUNDS = { x: 10, y: 20, width: 1200, height: 800 };

describe('R-WIN: windowOptions hardens every window', () => {
  it.each([false, true])('isPackaged=%s: every security flag is set explicitly', (isPackaged) => {
    const options = windowOptions({ preload: PRELOAD, isPackaged, bounds: BOUNDS });
    expect(options.webPreferences).toEqual({
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      // A shipped build has no DevTools; a development build needs them.
      devTools: !isPackaged,
    });
  });

  it('has no experimentalFeatures or enableBlinkFeatures key at all (not even false)', () => {
    const prefs = windowOptions({ preload: PRELOAD, isPackaged: true, bounds: BOUNDS }).webPreferences ?? {};
    expect(Object.keys(prefs)).not.toContain('experimentalFeatures');
    expect(Object.keys(prefs)).not.toContain('enableBlinkFeatures');
    expect(Object.keys(prefs)).not.toContain('disableBlinkFeatures');
    expect(Object.keys(prefs)).not.toContain('additionalArguments');
  });

  it('starts hidden, titled, with a minimum size and the restored bounds', () => {
    const options = windowOptions({ preload: PRELOAD, isPackaged: true, bounds: BOUNDS });
    expect(options).toMatchObject({
      show: false,
      title: 'Sockpit',
      ...BOUNDS,
      minWidth: MIN_WINDOW_SIZE.width,
      minHeight: MIN_WINDOW_SIZE.height,
    });
  });

  it('leaves the position to Electron (centred) when none was saved, and follows the theme', () => {
    const options = windowOptions({
      preload: PRELOAD,
      isPackaged: true,
      bounds: { width: 900, height: 600 },
      dark: true,
    });
    expect(options).not.toHaveProperty('x');
    expect(options).not.toHaveProperty('y');
    expect(options.backgroundColor).toBe('#1e1e1e');
    expect(windowOptions({ preload: PRELOAD, isPackaged: true, bounds: BOUNDS }).backgroundColor).toBe('#ffffff');
  });
});

describe('R-CSP: the production policy', () => {
  it('is the one shared constant, with nothing unsafe', () => {
    expect(CSP).toBe(SHARED_CSP);
    expect(CSP).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(CSP).not.toMatch(/unsafe-(inline|eval)/);
  });
});

describe('R-NAV: navigation stays inside app://bundle', () => {
  it('the origin of our own pages is app://bundle (Node alone would say "null")', () => {
    expect(new URL(APP_ENTRY_URL).origin).toBe('null');
    expect(originOf(APP_ENTRY_URL)).toBe(APP_ORIGIN);
    expect(originOf('https://example.org:8443/x')).toBe('https://example.org:8443');
    expect(originOf('file:///etc/passwd')).toBeUndefined();
  });

  it.each(['app://bundle/index.html', 'app://bundle/', 'app://bundle/assets/index-abc.js?x=1#top', 'app://bundle'])(
    'allows %s',
    (url) => {
      expect(isAllowedNavigation(url)).toBe(true);
    },
  );

  it.each([
    'app://bundle.evil.com/index.html',
    'app://bundle@evil/index.html',
    'app://evil/app://bundle/',
    'app://user:pass@bundle/index.html',
    'app://bundle:8080/index.html',
    'app:bundle/index.html',
    'app:///index.html',
    'https://example.org/',
    'http://127.0.0.1:5173/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'about:blank',
    'devtools://devtools/bundled/inspector.html',
    'chrome://settings',
    'smb://evil/share',
    '',
    'not a url',
    undefined,
    null,
    42,
  ])('refuses %s', (url) => {
    expect(isAllowedNavigation(url)).toBe(false);
  });
});

describe('R-NAV: only plain web links may reach the OS browser', () => {
  it.each(['https://example.org', 'http://example.org/path?q=1', 'https://github.com/sockpit/sockpit/issues'])(
    'opens %s',
    (url) => {
      expect(isSafeExternal(url)).toBe(true);
    },
  );

  it.each([
    'file:///C:/Windows/System32/calc.exe',
    'file:///etc/passwd',
    'c:/windows/system32/calc.exe',
    'javascript:alert(1)',
    'smb://attacker/share/evil.exe',
    'ms-msdt:/id PCWDiagnostic /skip force',
    'vscode://vscode.git/clone?url=https://evil',
    'vbscript:msgbox(1)',
    'data:text/html,hi',
    'ftp://example.org/',
    'app://bundle/index.html',
    'mailto:someone@example.org',
    'https://user:password@example.org/',
    'https://user@example.org/',
    'http://:secret@example.org/',
    'https://',
    '//example.org',
    '',
    undefined,
    {},
  ])('refuses %s', (url) => {
    expect(isSafeExternal(url)).toBe(false);
  });
});

describe('resolveBundlePath: the app:// handler serves the bundle and nothing else', () => {
  const ROOT = path.resolve('/srv/sockpit/out/renderer');

  it.each([
    ['app://bundle/index.html', 'index.html'],
    ['app://bundle/', 'index.html'],
    ['app://bundle', 'index.html'],
    ['app://bundle/assets/index-Dx9.js', 'assets/index-Dx9.js'],
    ['app://bundle/assets/a%20b.css?v=2#x', 'assets/a b.css'],
    // WHATWG URL folds dot segments before we see them: these stay inside the bundle.
    ['app://bundle/../../etc/passwd', 'etc/passwd'],
    ['app://bundle/%2e%2e/%2e%2e/etc/passwd', 'etc/passwd'],
    ['app://bundle/assets/../index.html', 'index.html'],
  ])('%s → %s', (url, rel) => {
    expect(resolveBundlePath(ROOT, url)).toEqual({ ok: true, path: path.join(ROOT, rel) });
  });

  it.each([
    'app://bundle/..%2f..%2fetc%2fpasswd',
    'app://bundle/assets/..%2f..%2f..%2fetc%2fpasswd',
    'app://bundle/%2e%2e%2f%2e%2e%2fetc/passwd',
    'app://bundle/..%5c..%5cwindows%5cwin.ini',
    'app://bundle/%E0%A4%A',
    'app://bundle/%',
    'app://bundle/index.html%00.png',
    'app://bundle/C:%2fWindows%2fwin.ini',
    'app://bundle/index.html::$DATA',
  ])('refuses %s with 400', (url) => {
    expect(resolveBundlePath(ROOT, url)).toEqual({ ok: false, status: 400 });
  });

  it('refuses the renderer folder itself (a directory, not a file)', () => {
    expect(resolveBundlePath(ROOT, 'app://bundle/assets/..%2f')).toEqual({ ok: false, status: 400 });
  });

  it.each([
    'app://evil/index.html',
    'app://bundle.evil.com/index.html',
    'app://bundle@evil/index.html',
    'app://x:y@bundle/index.html',
    'https://bundle/index.html',
  ])('refuses another host %s with 404', (url) => {
    expect(resolveBundlePath(ROOT, url)).toEqual({ ok: false, status: 404 });
  });

  it('refuses what is not a URL with 400', () => {
    expect(resolveBundlePath(ROOT, 'not a url')).toEqual({ ok: false, status: 400 });
  });
});
