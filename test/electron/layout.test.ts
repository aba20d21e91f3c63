import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// `require('electron')` outside Electron tries to download the binary, so everything but the two glue
// files must reach Electron through `import type` only (erased at compile time) — that is what keeps
// the window policy, the sender check and the bounds logic testable here and in CI.
const ROOT = path.join(__dirname, '..', '..');

interface ImportRef {
  spec: string;
  typeOnly: boolean;
}

/** Every import/export-from/require/dynamic import, and whether the whole statement is `import type`. */
function importRefs(source: string): ImportRef[] {
  const refs: ImportRef[] = [];
  // [^'";]* keeps one match inside one statement.
  for (const m of source.matchAll(/\b(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/g)) {
    refs.push({ spec: m[2], typeOnly: m[1] !== undefined });
  }
  for (const m of source.matchAll(/\b(?:require|import)\s*\(\s*['"]([^'"]+)['"]\s*\)/g)) refs.push({ spec: m[1], typeOnly: false });
  return refs;
}

function read(rel: string): string {
  return readFileSync(path.join(ROOT, rel), 'utf8');
}

function resolveRelative(fromRel: string, spec: string): string | undefined {
  const base = path.join(path.dirname(fromRel), spec);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')]) {
    if (existsSync(path.join(ROOT, candidate))) return candidate;
  }
  return undefined;
}

/** The file and everything it reaches through relative imports (types included, to be strict). */
function closure(entry: string): string[] {
  const seen = new Set<string>([entry]);
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    for (const { spec } of importRefs(read(file))) {
      if (!spec.startsWith('.')) continue;
      const target = resolveRelative(file, spec);
      if (target && !seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return [...seen];
}

const isElectron = (spec: string) => spec === 'electron' || spec.startsWith('electron/');

describe('layout: Electron stays in the glue', () => {
  it('the scanner tells type-only imports from value imports (so the rules can fail)', () => {
    const sample = [
      "import type { BrowserWindowConstructorOptions } from 'electron';",
      "import { app } from 'electron';",
      "import { type WebContents } from 'electron';",
      "import 'electron';",
      "const e = require('electron');",
      "export { CSP } from '../shared/csp';",
      "export type { X } from './x';",
    ].join('\n');
    expect(importRefs(sample)).toEqual([
      { spec: 'electron', typeOnly: true },
      { spec: 'electron', typeOnly: false },
      { spec: 'electron', typeOnly: false },
      { spec: 'electron', typeOnly: false },
      { spec: '../shared/csp', typeOnly: false },
      { spec: './x', typeOnly: true },
      { spec: 'electron', typeOnly: false },
    ]);
  });

  it.each(['electron/window.ts', 'electron/window-state.ts', 'electron/ipc.ts'])('%s and all it imports reach electron through `import type` only', (entry) => {
    const files = closure(entry);
    expect(files.length).toBeGreaterThan(0);
    const offences = files.flatMap((file) =>
      importRefs(read(file))
        .filter((ref) => isElectron(ref.spec) && !ref.typeOnly)
        .map((ref) => `${file} imports ${ref.spec} as a value`),
    );
    expect(offences).toEqual([]);
  });

  it('the preload imports only electron and shared/ — no engine, no Node modules, no app files', () => {
    const refs = importRefs(read('electron/preload.ts'));
    expect(refs.map((ref) => ref.spec)).toContain('electron');
    const offences = refs.filter((ref) => !(ref.spec === 'electron' || ref.spec.startsWith('../shared/'))).map((ref) => ref.spec);
    expect(offences).toEqual([]);
    // And nothing under shared/ that it pulls in reaches back into electron/.
    const reached = closure('electron/preload.ts').filter((file) => file !== path.join('electron', 'preload.ts'));
    expect(reached.every((file) => file.startsWith(`shared${path.sep}`))).toBe(true);
  });

  it('only main.ts and preload.ts import electron as a value', () => {
    const glue = ['electron/main.ts', 'electron/preload.ts'];
    for (const file of glue) expect(importRefs(read(file)).some((ref) => isElectron(ref.spec) && !ref.typeOnly)).toBe(true);
    for (const file of ['electron/window.ts', 'electron/window-state.ts', 'electron/ipc.ts', 'stream/event-stream.ts']) {
      expect(importRefs(read(file)).filter((ref) => isElectron(ref.spec) && !ref.typeOnly)).toEqual([]);
    }
  });
});
