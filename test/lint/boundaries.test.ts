import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The layout is a promise, kept by eslint.config.mjs (`npm run lint`): the engine and the stream run in
// plain Node (CLI, bridge, tests) only while they never import Electron or React; shared/ runs in the
// renderer and the sandboxed preload only while it imports nothing of Node's; the renderer is a web page;
// and `require('electron')` outside Electron tries to download the binary, so only electron/main.ts and
// electron/preload.ts import electron as a value. Each case below plants an import in a file of a folder,
// lints it with the real config and checks that it fails with that boundary's reason (or passes).
const ROOT = path.join(__dirname, '..', '..');

/** A phrase from each boundary's message in eslint.config.mjs: the reason a violation is reported. */
const WHY = {
  electronOutside: 'Only electron/ imports electron',
  electronValue: 'Only electron/main.ts and electron/preload.ts import electron as a value',
  plainNodeReact: 'engine/ and stream/ are plain Node with no UI',
  engineReach: 'engine/ is the bottom layer',
  streamReach: 'stream/ is plain Node shared by the browser bridge and Electron',
  frontEndReact: 'bridge/ and cli/ are plain Node with no UI',
  frontEndReach: 'bridge/ and cli/ are plain-Node front ends',
  rendererNode: 'there are no Node modules there',
  rendererElectron: "it reaches Electron only through the preload's API",
  rendererReach: 'renderer/ runs in another process',
  sharedLibraries: 'it imports only zod, iconv-lite and other shared/ files',
  sharedOutside: 'it imports nothing from outside shared/',
  entryPoints: 'are entry points',
  preloadLibraries: 'it imports only electron and shared/',
  preloadReach: 'apart from electron it imports only shared/ files',
  notNormalized: 'in their shortest form',
  computed: 'import() with a computed specifier',
  tooDeep: 'Source folders nest at most',
} as const;

type Why = keyof typeof WHY;
/** [file the code is planted in, code, the boundary it breaks — or 'ok' when it is legal]. */
type Case = [file: string, code: string, expected: Why | 'ok'];

const BOUNDARY_RULES = [
  '@typescript-eslint/no-restricted-imports',
  'no-restricted-syntax',
  '@typescript-eslint/no-import-type-side-effects',
];

const CASES: Record<string, Case[]> = {
  'engine/': [
    ['engine/planted.ts', "import { app } from 'electron';", 'electronOutside'],
    ['engine/planted.ts', "import type { App } from 'electron';", 'electronOutside'],
    ['engine/planted.ts', "import 'electron/main';", 'electronOutside'],
    ['engine/planted.ts', "import { useState } from 'react';", 'plainNodeReact'],
    ['engine/planted.ts', "import { createRoot } from 'react-dom/client';", 'plainNodeReact'],
    ['engine/planted.ts', "import { create } from 'zustand';", 'plainNodeReact'],
    ['engine/planted.ts', "import { useApp } from '../renderer/src/state/store';", 'engineReach'],
    ['engine/planted.ts', "import '../electron/main';", 'engineReach'],
    ['engine/planted.ts', "import { createBridge } from '../bridge/server';", 'engineReach'],
    ['engine/planted.ts', "export * from '../cli/main';", 'engineReach'],
    ['engine/planted.ts', "import { EventStream } from '../stream/event-stream';", 'engineReach'],
    ['engine/deeper/planted.ts', "import { useApp } from '../../renderer/src/state/store';", 'engineReach'],
    // The ways around a static import are closed too.
    ['engine/planted.ts', "export async function f() { return import('electron'); }", 'electronOutside'],
    ['engine/planted.ts', "export const e = require('electron');", 'electronOutside'],
    ['engine/planted.ts', "import e = require('electron');\nexport default e;", 'electronOutside'],
    ['engine/planted.ts', 'export async function f(name: string) { return import(name); }', 'computed'],
    ['engine/planted.ts', "import { ok } from '../shared/../renderer/src/state/store';", 'notNormalized'],
    ['engine/planted.ts', "import { ok } from './x/../../renderer/src/state/store';", 'notNormalized'],
    ['engine/planted.ts', "import { ok } from './../renderer/src/state/store';", 'notNormalized'],
    ['engine/planted.ts', "import { ok } from '..//renderer/src/state/store';", 'notNormalized'],
    [
      'engine/planted.ts',
      "import net from 'node:net';\nimport { ok } from '../shared/result';\nimport { Session } from './session';",
      'ok',
    ],
    ['engine/planted.ts', "export async function f() { return import('node:dgram'); }", 'ok'],
    ['engine/a/b/c/d/e/f/planted.ts', 'export const x = 1;', 'tooDeep'],
  ],
  'stream/': [
    ['stream/planted.ts', "import { app } from 'electron';", 'electronOutside'],
    ['stream/planted.ts', "import { useState } from 'react';", 'plainNodeReact'],
    ['stream/planted.ts', "import { createBridge } from '../bridge/server';", 'streamReach'],
    ['stream/planted.ts', "import '../cli/main';", 'streamReach'],
    ['stream/planted.ts', "import { windowOptions } from '../electron/window';", 'streamReach'],
    ['stream/planted.ts', "import { useApp } from '../renderer/src/state/store';", 'streamReach'],
    [
      'stream/planted.ts',
      "import { Engine } from '../engine/engine';\nimport { encodeBatch } from '../shared/contract/batch';",
      'ok',
    ],
  ],
  'bridge/ and cli/': [
    ['bridge/planted.ts', "import { app } from 'electron';", 'electronOutside'],
    ['bridge/planted.ts', "import { useState } from 'react';", 'frontEndReact'],
    ['bridge/planted.ts', "import { useApp } from '../renderer/src/state/store';", 'frontEndReach'],
    ['bridge/planted.ts', "import { windowOptions } from '../electron/window';", 'frontEndReach'],
    ['cli/planted.ts', "export const e = require('electron');", 'electronOutside'],
    ['cli/planted.ts', "import { create } from 'zustand';", 'frontEndReact'],
    ['cli/planted.ts', "import { useApp } from '../renderer/src/state/store';", 'frontEndReach'],
    ['cli/planted.ts', "import { windowOptions } from '../electron/window';", 'frontEndReach'],
    [
      'bridge/planted.ts',
      "import { WebSocketServer } from 'ws';\nimport http from 'node:http';\nimport { Engine } from '../engine/engine';\nimport { EventStream } from '../stream/event-stream';",
      'ok',
    ],
    [
      'cli/planted.ts',
      "import path from 'node:path';\nimport { Engine } from '../engine/engine';\nimport pkg from '../package.json';",
      'ok',
    ],
  ],
  'renderer/': [
    ...[
      'node:fs',
      'fs',
      'fs/promises',
      'path',
      'node:path',
      'os',
      'net',
      'dgram',
      'child_process',
      'crypto',
      'node:test',
      'buffer',
    ].map((spec): Case => ['renderer/src/state/planted.ts', `import '${spec}';`, 'rendererNode']),
    ['renderer/src/planted.ts', "const fs = require('node:fs');\nexport default fs;", 'rendererNode'],
    ['renderer/src/state/planted.ts', "export async function f() { return import('node:net'); }", 'rendererNode'],
    ['renderer/src/ui/Planted.tsx', "import { ipcRenderer } from 'electron';", 'rendererElectron'],
    ['renderer/src/ui/Planted.tsx', "import type { IpcRenderer } from 'electron';", 'rendererElectron'],
    ['renderer/src/state/planted.ts', "import { Engine } from '../../../engine/engine';", 'rendererReach'],
    ['renderer/src/state/planted.ts', "import '../../../electron/main';", 'rendererReach'],
    ['renderer/src/state/planted.ts', "import { EventStream } from '../../../stream/event-stream';", 'rendererReach'],
    ['renderer/src/state/planted.ts', "import { createBridge } from '../../../bridge/server';", 'rendererReach'],
    ['renderer/src/state/planted.ts', "import '../../../cli/main';", 'rendererReach'],
    ['renderer/src/planted.ts', "import { Engine } from '../../engine/engine';", 'rendererReach'],
    ['renderer/src/ui/Planted.tsx', "export type { Engine } from '../../../engine/engine';", 'rendererReach'],
    [
      'renderer/src/ui/Planted.tsx',
      "import { useState } from 'react';\nimport { create } from 'zustand';\nimport { Buffer } from 'buffer/';\nimport { decodeBatch } from '../../../shared/contract/batch';\nimport { connect } from '../link';",
      'ok',
    ],
    // Names that merely look like a forbidden folder are not one: a sibling file, a subfolder of the renderer.
    [
      'renderer/src/state/planted.ts',
      "import { status } from './engine-status';\nimport { x } from '../engine/status';\nimport { y } from '../electron-bits';\nimport { z } from './.generated/z';",
      'ok',
    ],
  ],
  'shared/': [
    ...['node:buffer', 'buffer', 'fs', 'electron', 'react', 'zustand', 'ws', 'some-library'].map((spec): Case => [
      'shared/codec/planted.ts',
      `import '${spec}';`,
      'sharedLibraries',
    ]),
    ['shared/codec/planted.ts', "import { Engine } from '../../engine/engine';", 'sharedOutside'],
    ['shared/codec/planted.ts', "import { useApp } from '../../renderer/src/state/store';", 'sharedOutside'],
    ['shared/codec/planted.ts', "import { windowOptions } from '../../electron/window';", 'sharedOutside'],
    ['shared/codec/planted.ts', "import pkg from '../../package.json';", 'sharedOutside'],
    ['shared/planted.ts', "import { Engine } from '../engine/engine';", 'sharedOutside'],
    ['shared/contract/planted.ts', "export async function f() { return import('node:fs'); }", 'sharedLibraries'],
    [
      'shared/codec/planted.ts',
      "import { z } from 'zod';\nimport iconv from 'iconv-lite';\nimport { ok } from '../result';\nimport { parseHex } from './hex';\nimport { Command } from '../contract/commands';\nimport { CSP } from '../../shared/csp';",
      'ok',
    ],
    ['shared/planted.ts', "import { ok } from './result';\nimport { Command } from './contract/commands';", 'ok'],
  ],
  'electron/': [
    ['electron/window.ts', "import { BrowserWindow } from 'electron';", 'electronValue'],
    ['electron/window.ts', "import 'electron';", 'electronValue'],
    ['electron/ipc.ts', "export { ipcMain } from 'electron';", 'electronValue'],
    ['electron/window-state.ts', "export async function f() { return import('electron'); }", 'electronValue'],
    ['electron/window-state.ts', "export const e = require('electron');", 'electronValue'],
    ['electron/planted.ts', "import { app } from 'electron';", 'electronValue'],
    [
      'electron/window.ts',
      "import type { BrowserWindowConstructorOptions } from 'electron';\nimport path from 'node:path';",
      'ok',
    ],
    ['electron/ipc.ts', "import './main';", 'entryPoints'],
    ['electron/window.ts', "import { api } from './preload';", 'entryPoints'],
    ['electron/main.ts', "import './preload';", 'entryPoints'],
    [
      'electron/main.ts',
      "import { app, BrowserWindow, type WebContents } from 'electron';\nimport { Engine } from '../engine/engine';\nimport { EventStream } from '../stream/event-stream';\nimport { windowOptions } from './window';",
      'ok',
    ],
    ['electron/preload.ts', "import { readFileSync } from 'node:fs';", 'preloadLibraries'],
    ['electron/preload.ts', "import { z } from 'zod';", 'preloadLibraries'],
    ['electron/preload.ts', "import { Engine } from '../engine/engine';", 'preloadReach'],
    ['electron/preload.ts', "import { windowOptions } from './window';", 'preloadReach'],
    [
      'electron/preload.ts',
      "import { contextBridge, ipcRenderer } from 'electron';\nimport { IPC_CHANNELS } from '../shared/contract/ipc';",
      'ok',
    ],
  ],
  'tests, e2e, bench, scripts and configs': [
    ['test/planted.test.ts', "import { app } from 'electron';", 'electronOutside'],
    ['scripts/planted.cjs', "const { app } = require('electron');\nmodule.exports = app;", 'electronOutside'],
    ['bench/planted.ts', "export async function f() { return import('electron'); }", 'electronOutside'],
    [
      'test/planted.test.ts',
      "import type { WebContents } from 'electron';\nimport net from 'node:net';\nimport { Engine } from '../engine/engine';\nimport { useApp } from '../renderer/src/state/store';\nimport { windowOptions } from '../electron/window';",
      'ok',
    ],
    [
      'e2e/planted.spec.ts',
      "import { _electron } from '@playwright/test';\nimport { Engine } from '../engine/engine';",
      'ok',
    ],
    ['scripts/planted.cjs', "const path = require('node:path');\nmodule.exports = path;", 'ok'],
  ],
};

let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

async function lint(file: string, code: string) {
  const [result] = await eslint.lintText(`${code}\n`, { filePath: path.join(ROOT, file) });
  const fatal = result.messages.filter((m) => m.fatal);
  expect(fatal, 'the planted code parses').toEqual([]);
  return result.messages.filter((m) => m.ruleId !== null && BOUNDARY_RULES.includes(m.ruleId));
}

describe('import boundaries (eslint.config.mjs)', () => {
  for (const [folder, cases] of Object.entries(CASES)) {
    describe(folder, () => {
      const rows = cases.map(([file, code, expected]) => ({ file, code, expected, shown: code.replaceAll('\n', ' ') }));
      it.each(rows)('$file: $shown → $expected', async ({ file, code, expected }) => {
        const problems = await lint(file, code);
        if (expected === 'ok') {
          expect(problems.map((p) => p.message)).toEqual([]);
        } else {
          expect(problems.length).toBeGreaterThan(0);
          expect(problems.every((p) => p.severity === 2)).toBe(true);
          expect(problems.map((p) => p.message)).toContainEqual(expect.stringContaining(WHY[expected]));
        }
      });
    });
  }

  // The rules are generated from folder globs: if a folder moved, they would silently cover nothing.
  it.each([
    ['engine/engine.ts', WHY.engineReach],
    ['stream/event-stream.ts', WHY.streamReach],
    ['bridge/server.ts', WHY.frontEndReach],
    ['cli/main.ts', WHY.frontEndReach],
    ['renderer/src/main.tsx', WHY.rendererNode],
    ['renderer/src/state/sync.ts', WHY.rendererReach],
    ['shared/csp.ts', WHY.sharedOutside],
    ['shared/contract/index.ts', WHY.sharedLibraries],
    ['electron/window.ts', WHY.electronValue],
    ['electron/main.ts', WHY.entryPoints],
    ['electron/preload.ts', WHY.preloadReach],
  ])('the real %s is under its boundary', async (file, why) => {
    expect(existsSync(path.join(ROOT, file))).toBe(true);
    const config = await eslint.calculateConfigForFile(path.join(ROOT, file));
    expect(JSON.stringify(config.rules['@typescript-eslint/no-restricted-imports'])).toContain(why);
  });

  it('electron/ files other than main.ts write type-only imports as `import type`', async () => {
    // `import { type X } from 'electron'` leaves `import 'electron'` behind under verbatimModuleSyntax.
    const problems = await lint(
      'electron/window.ts',
      "import { type BrowserWindow } from 'electron';\nexport type W = BrowserWindow;",
    );
    expect(problems.map((p) => p.ruleId)).toEqual(['@typescript-eslint/no-import-type-side-effects']);
  });
});

describe('npm run lint', () => {
  let dir: string;

  beforeAll(() => {
    // A copy of the project's lint setup with one planted violation and one legal file beside it.
    dir = mkdtempSync(path.join(tmpdir(), 'sockpit-lint-'));
    copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
    copyFileSync(path.join(ROOT, 'eslint.config.mjs'), path.join(dir, 'eslint.config.mjs'));
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    mkdirSync(path.join(dir, 'engine'));
    writeFileSync(
      path.join(dir, 'engine', 'planted.ts'),
      "import { app } from 'electron';\n\nexport const quit = (): void => app.quit();\n",
    );
    mkdirSync(path.join(dir, 'renderer', 'src'), { recursive: true });
    writeFileSync(
      path.join(dir, 'renderer', 'src', 'fine.ts'),
      "import { decodeBatch } from '../../shared/contract/batch';\n\nexport const decode = decodeBatch;\n",
    );
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('fails on a planted boundary violation, naming the file and the reason', () => {
    const run = spawnSync('npm', ['run', '--silent', 'lint'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(run.status).not.toBe(0);
    expect(run.stdout).toContain(path.join('engine', 'planted.ts'));
    expect(run.stdout).toContain(WHY.electronOutside);
    expect(run.stdout).not.toContain('fine.ts');
    expect(run.stdout).toMatch(/1 problem \(1 error, 0 warnings\)/);
  });
});
