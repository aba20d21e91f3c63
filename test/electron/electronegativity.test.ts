import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CSP } from '../../shared/csp';

// The security lint runs as part of the normal suite: ~6 s with npx's cache warm, ~25 s on a fresh machine
// (npx installs the tool from the npm registry first).
const ROOT = path.join(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'electronegativity.cjs');
const LINT_TIMEOUT_MS = 180_000;

const { meetsBaseline } = createRequire(import.meta.url)(SCRIPT) as { meetsBaseline: (policy: unknown) => boolean };

function lint(dir?: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, dir ? [SCRIPT, dir] : [SCRIPT], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: LINT_TIMEOUT_MS,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('Electronegativity security lint', () => {
  it(
    'finds nothing unreviewed in this project',
    () => {
      const { status, output } = lint();
      expect(status, output).toBe(0);
      expect(output).toContain('no unreviewed findings');
    },
    LINT_TIMEOUT_MS,
  );

  it(
    'fails on an insecure app (so a pass above means something)',
    () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'sockpit-insecure-app-'));
      try {
        mkdirSync(path.join(dir, 'electron'));
        writeFileSync(
          path.join(dir, 'package.json'),
          JSON.stringify({ name: 'insecure', main: 'electron/main.js', devDependencies: { electron: '45.4.1' } }),
        );
        writeFileSync(
          path.join(dir, 'electron', 'main.ts'),
          [
            "import { app, BrowserWindow, ipcMain, shell } from 'electron';",
            'app.whenReady().then(() => {',
            '  const win = new BrowserWindow({ webPreferences: { contextIsolation: false, sandbox: false, nodeIntegration: true } });',
            "  ipcMain.handle('open', (_e, url: string) => shell.openExternal(url));",
            "  void win.loadURL('http://example.org/');",
            '});',
          ].join('\n'),
        );
        const { status, output } = lint(dir);
        expect(status, output).toBe(1);
        for (const check of [
          'CONTEXT_ISOLATION_JS_CHECK',
          'SANDBOX_JS_CHECK',
          'OPEN_EXTERNAL_JS_CHECK',
          'LIMIT_NAVIGATION_GLOBAL_CHECK',
          'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK',
        ]) {
          expect(output).toContain(check);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    LINT_TIMEOUT_MS,
  );

  it('accepts a "maybe weak" CSP finding only for a policy that meets the R-CSP baseline', () => {
    expect(meetsBaseline(CSP)).toBe(true);
    expect(meetsBaseline(CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'"))).toBe(false);
    expect(meetsBaseline(CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-eval'"))).toBe(false);
    expect(meetsBaseline(CSP.replace("script-src 'self'", 'script-src *'))).toBe(false);
    expect(meetsBaseline(CSP.replace("script-src 'self'", "script-src 'self' https://cdn.example"))).toBe(false);
    expect(meetsBaseline(CSP.replace("object-src 'none'; ", ''))).toBe(false);
    expect(meetsBaseline(CSP.replace("base-uri 'none'", "base-uri 'self'"))).toBe(false);
    expect(meetsBaseline(CSP.replace("default-src 'none'", "default-src 'self'"))).toBe(false);
    expect(meetsBaseline(undefined)).toBe(false);
  });
});
