import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The layout is a promise: the engine runs in plain Node (CLI, bridge, tests) only while it never
// imports Electron or React, and shared/ runs in the renderer only while it never imports Node.
const ROOT = path.join(__dirname, '..');

function sourceFiles(dir: string): string[] {
  const full = path.join(ROOT, dir);
  try {
    statSync(full);
  } catch {
    return [];
  }
  return readdirSync(full, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.(ts|tsx|mts|cts)$/.test(file))
    .map((file) => path.join(full, file));
}

/** Every module specifier a file imports, requires or dynamically imports. */
export function importsOf(source: string): string[] {
  const found: string[] = [];
  const patterns = [/\bimport\s+(?:type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/g, /\bexport\s+(?:type\s+)?[^'"]*?\sfrom\s+['"]([^'"]+)['"]/g, /\b(?:require|import)\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) found.push(match[1]);
  return found;
}

const NODE_BUILTIN = /^(node:|fs$|net$|dgram$|os$|path$|child_process$|crypto$|http$|https$|stream$|events$|url$|util$|worker_threads$)/;

const RULES: Array<{ dir: string; forbidden: (spec: string) => boolean; why: string }> = [
  { dir: 'engine', forbidden: (s) => s === 'electron' || s.startsWith('electron/') || /^react/.test(s) || s.includes('renderer/'), why: 'the engine is plain Node' },
  { dir: 'shared', forbidden: (s) => NODE_BUILTIN.test(s) || s === 'electron' || /^react/.test(s) || s.includes('/electron/') || s.includes('renderer/'), why: 'shared/ runs in every process, the renderer included' },
  { dir: 'renderer', forbidden: (s) => NODE_BUILTIN.test(s) || s === 'electron' || s.includes('/electron/'), why: 'the renderer never touches Node or Electron' },
];

describe('layout boundaries', () => {
  it('the import scanner sees every form of import (so the rules below can fail)', () => {
    const sample = `import { app } from 'electron';\nimport type { X } from "react";\nimport 'node:net';\nexport * from './y';\nconst fs = require('fs');\nawait import('dgram');`;
    expect(importsOf(sample)).toEqual(expect.arrayContaining(['electron', 'react', 'node:net', './y', 'fs', 'dgram']));
    expect(RULES[0].forbidden('electron')).toBe(true);
    expect(RULES[1].forbidden('node:net')).toBe(true);
  });

  for (const rule of RULES) {
    it(`${rule.dir}/ imports nothing it must not (${rule.why})`, () => {
      const offences: string[] = [];
      for (const file of sourceFiles(rule.dir)) {
        for (const spec of importsOf(readFileSync(file, 'utf8'))) {
          if (rule.forbidden(spec)) offences.push(`${path.relative(ROOT, file)} imports ${spec}`);
        }
      }
      expect(offences).toEqual([]);
    });
  }

  it('the engine folder exists and has sources (the rule above is not vacuous)', () => {
    expect(sourceFiles('engine').length).toBeGreaterThan(5);
    expect(sourceFiles('shared').length).toBeGreaterThan(5);
  });
});
