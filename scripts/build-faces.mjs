#!/usr/bin/env node
// Builds the two plain-Node faces, the command line and the browser bridge, into out/cli/index.js and
// out/bridge/index.js, which bin/ runs. electron-vite builds the Electron parts; `npm run build` runs both.
//
// Our own code is bundled into one CommonJS file per face; npm packages stay require()s, so an installed
// Sockpit loads them from its node_modules. Each of those must be a runtime dependency in package.json:
// a devDependency is not installed with the package, and the face would fail only there.
import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FACES = { cli: 'cli/main.ts', bridge: 'bridge/main.ts' };

/** The npm package a bare import names ('ws', '@scope/name'), or undefined for a Node built-in. */
function packageOf(specifier) {
  if (specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0])) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export async function buildFaces() {
  const { dependencies = {} } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(Object.entries(FACES).map(([face, entry]) => [`${face}/index`, entry])),
    outdir: path.join(ROOT, 'out'),
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    metafile: true,
    logLevel: 'warning',
  });
  const strays = new Set();
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    for (const { path: specifier, external } of output.imports) {
      const name = external ? packageOf(specifier) : undefined;
      if (name && !(name in dependencies)) strays.add(`${file} requires ${name}`);
    }
  }
  if (strays.size > 0) {
    throw new Error(
      `${[...strays].join('; ')}: an installed Sockpit would not have it. Move it to "dependencies" in package.json.`,
    );
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildFaces().catch((err) => {
    process.stderr.write(`build-faces: ${err && err.message ? err.message : err}\n`);
    process.exit(1);
  });
}
