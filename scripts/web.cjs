#!/usr/bin/env node
'use strict';
// `npm run web`: Sockpit's engine plus the browser bridge, from a plain checkout. The UI is built first
// when it has never been built; the TypeScript entry is compiled on load by tsx, like bin/sockpit.cjs.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const DEFAULT_RENDERER_DIR = path.join(ROOT, 'out', 'renderer');

function say(line) {
  process.stdout.write(`${line}\n`);
}

function fail(line) {
  process.stderr.write(`${line}\n`);
  process.exit(1);
}

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

/** Starts the bridge in this process and exits when it stops. SOCKPIT_RENDERER_DIR serves another folder, never built here. */
function startBrowserBridge(argv) {
  const custom = process.env.SOCKPIT_RENDERER_DIR;
  if (!custom && !fs.existsSync(path.join(DEFAULT_RENDERER_DIR, 'index.html'))) {
    say('Sockpit: building the user interface first (electron-vite build); this happens once.');
    const problem = buildUserInterface();
    if (problem) fail(`Sockpit: the user interface could not be built: ${problem}.`);
  }
  let bridge;
  try {
    require('tsx/cjs/api').register();
    bridge = require(path.join(ROOT, 'bridge', 'main.ts'));
  } catch (err) {
    fail(`Sockpit: cannot load the browser bridge (${err && err.message ? err.message.split('\n')[0] : err}). Run "npm install" in the Sockpit folder first.`);
  }
  bridge.main(argv).then(
    (code) => {
      // Let stdout drain (pipes are asynchronous on some platforms); a lingering handle gets a second at most.
      process.exitCode = code;
      setTimeout(() => process.exit(code), 1000).unref();
    },
    (err) => fail(`Sockpit: internal error: ${err && err.message ? err.message : err}`),
  );
}

module.exports = { startBrowserBridge, buildUserInterface };

if (require.main === module) startBrowserBridge(process.argv.slice(2));
