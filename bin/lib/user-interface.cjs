'use strict';
// The built user interface (out/renderer, with the Electron main and preload beside it), made by
// electron-vite when a launcher needs it and it is not there.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT } = require('./run-face.cjs');

const DEFAULT_RENDERER_DIR = path.join(ROOT, 'out', 'renderer');

/** `electron-vite build`, run by node directly so it works the same on Windows (no npx.cmd and shell). */
function buildUserInterface() {
  let cli;
  try {
    const packageFile = require.resolve('electron-vite/package.json', { paths: [ROOT] });
    const bin = require(packageFile).bin;
    cli = path.join(path.dirname(packageFile), typeof bin === 'string' ? bin : bin['electron-vite']);
  } catch {
    return 'electron-vite is not installed; run "npm install" in the Sockpit folder first';
  }
  // The build's chatter goes to stderr, so stdout keeps only the lines people (and scripts) look for.
  const run = spawnSync(process.execPath, [cli, 'build'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  if (run.error) return run.error.message;
  if (run.status !== 0) return `the build exited with code ${run.status ?? run.signal}`;
  return undefined;
}

/**
 * Builds the UI the first time the browser face needs it. SOCKPIT_RENDERER_DIR serves another folder, never built here.
 */
function ensureUserInterface() {
  if (process.env.SOCKPIT_RENDERER_DIR || fs.existsSync(path.join(DEFAULT_RENDERER_DIR, 'index.html'))) return;
  process.stdout.write('Sockpit: building the user interface first (electron-vite build); this happens once.\n');
  const problem = buildUserInterface();
  if (problem) {
    process.stderr.write(`Sockpit: the user interface could not be built: ${problem}.\n`);
    process.exit(1);
  }
}

module.exports = { buildUserInterface, ensureUserInterface };
