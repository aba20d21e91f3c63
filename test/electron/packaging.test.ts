import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The whole packaging pipeline, offline (docs/development.md, "What these machines cannot do"): electron-vite builds
// out/, then electron-builder packs it against a placeholder Electron distribution — the real one is a GitHub download
// this machine cannot make. What ends up in app.asar is what users get, so it is checked here. About 5 s; it writes the
// normal build output (out/), like `npm run build`.
const ROOT = path.join(__dirname, '..', '..');
const ELECTRON_VERSION = '45.4.1';
const PIPELINE_TIMEOUT_MS = 180_000;

interface AsarEntry {
  size?: number;
  offset?: string;
  files?: Record<string, AsarEntry>;
}

/** Reads an asar archive's header: a pickled JSON tree of every file, followed by the file data. */
function readAsar(file: string): { paths: Map<string, AsarEntry>; read: (entryPath: string) => Buffer } {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(16);
    readSync(fd, head, 0, 16, 0);
    const headerPickleSize = head.readUInt32LE(4);
    const jsonLength = head.readUInt32LE(12);
    const json = Buffer.alloc(jsonLength);
    readSync(fd, json, 0, jsonLength, 16);
    const root = JSON.parse(json.toString('utf8')) as AsarEntry;
    const paths = new Map<string, AsarEntry>();
    const walk = (entry: AsarEntry, prefix: string) => {
      for (const [name, child] of Object.entries(entry.files ?? {})) {
        const full = prefix ? `${prefix}/${name}` : name;
        paths.set(full, child);
        if (child.files) walk(child, full);
      }
    };
    walk(root, '');
    const dataStart = 8 + headerPickleSize;
    const read = (entryPath: string) => {
      const entry = paths.get(entryPath);
      if (!entry || entry.size === undefined || entry.offset === undefined)
        throw new Error(`${entryPath} is not a file in ${file}`);
      const buffer = Buffer.alloc(entry.size);
      const again = openSync(file, 'r');
      try {
        readSync(again, buffer, 0, entry.size, dataStart + Number(entry.offset));
      } finally {
        closeSync(again);
      }
      return buffer;
    };
    return { paths, read };
  } finally {
    closeSync(fd);
  }
}

function run(args: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, args, {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: PIPELINE_TIMEOUT_MS,
    env: { ...process.env, CI: 'true' },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

let work: string;
let asar: ReturnType<typeof readAsar>;
let builderOutput: string;

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'sockpit-packaging-'));
  const build = run([path.join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build']);
  expect(build.status, build.output).toBe(0);

  // What electron-builder copies from an unpacked Electron distribution, with a placeholder executable.
  const stub = path.join(work, 'electron-dist');
  mkdirSync(path.join(stub, 'resources'), { recursive: true });
  writeFileSync(path.join(stub, 'electron'), '#!/bin/sh\nexit 1\n');
  chmodSync(path.join(stub, 'electron'), 0o755);
  writeFileSync(path.join(stub, 'version'), ELECTRON_VERSION);
  writeFileSync(path.join(stub, 'LICENSE'), 'placeholder\n');
  writeFileSync(path.join(stub, 'LICENSES.chromium.html'), '<!doctype html>\n');

  const output = path.join(work, 'dist');
  const pack = run([
    path.join(ROOT, 'node_modules', 'electron-builder', 'cli.js'),
    '--linux',
    'dir',
    '--publish',
    'never',
    `-c.electronDist=${stub}`,
    `-c.directories.output=${output}`,
  ]);
  builderOutput = pack.output;
  expect(pack.status, pack.output).toBe(0);
  asar = readAsar(path.join(output, 'linux-unpacked', 'resources', 'app.asar'));
}, PIPELINE_TIMEOUT_MS);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('packaging: app.asar', () => {
  it('holds the three built entry points, not empty', () => {
    for (const file of ['out/main/index.js', 'out/preload/index.js', 'out/renderer/index.html']) {
      expect(asar.paths.get(file)?.size ?? 0, file).toBeGreaterThan(0);
    }
    expect([...asar.paths.keys()].some((p) => /^out\/renderer\/assets\/.+\.js$/.test(p))).toBe(true);
  });

  it('leaves out the plain-Node faces (out/cli, out/bridge), which the app never loads', () => {
    expect([...asar.paths.keys()].filter((p) => /^out\/(cli|bridge)(\/|$)/.test(p))).toEqual([]);
  });

  it('starts where package.json says', () => {
    const manifest = JSON.parse(asar.read('package.json').toString('utf8')) as { main: string };
    expect(asar.paths.has(path.posix.normalize(manifest.main))).toBe(true);
  });

  it('holds no sources, tests, e2e specs, TypeScript or source maps', () => {
    const all = [...asar.paths.keys()];
    const topLevel = new Set(all.map((p) => p.split('/')[0]));
    expect([...topLevel].sort()).toEqual(['node_modules', 'out', 'package.json']);
    expect(all.filter((p) => /\.(ts|tsx|mts|cts)$/.test(p))).toEqual([]);
    expect(all.filter((p) => p.endsWith('.map'))).toEqual([]);
    expect(all.filter((p) => /^(test|e2e|electron|shared|renderer|scripts)(\/|$)/.test(p))).toEqual([]);
  });

  it('carries runtime dependencies only: never Electron itself, React, the build or the test tools', () => {
    const modules = new Set(
      [...asar.paths.keys()]
        .filter((p) => /^node_modules\/(@[^/]+\/)?[^/@]+$/.test(p))
        .map((p) => p.slice('node_modules/'.length)),
    );
    expect(modules.has('iconv-lite')).toBe(true);
    for (const dev of [
      'electron',
      'react',
      'react-dom',
      'vite',
      'vitest',
      'electron-builder',
      'electron-vite',
      '@playwright/test',
      'fast-check',
      'typescript',
      '@electron/fuses',
    ]) {
      expect(modules.has(dev), dev).toBe(false);
    }
  });

  it('ran the fuses hook, which reported the placeholder binary instead of pretending to fuse it', () => {
    expect(builderOutput).toMatch(/fuses NOT applied: sockpit is a \d+-byte placeholder/);
  });
});
