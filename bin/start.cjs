#!/usr/bin/env node
'use strict';
// `npm start`: the desktop app when an Electron binary is installed, otherwise the same UI in the
// browser, so the command always opens Sockpit somewhere.
const { spawn } = require('node:child_process');
const { findElectronBinary } = require('./lib/electron-binary.cjs');
const { ROOT, runFace } = require('./lib/run-face.cjs');
const { buildUserInterface, ensureUserInterface } = require('./lib/user-interface.cjs');

const argv = process.argv.slice(2);
const found = findElectronBinary();

if ('missing' in found) {
  process.stdout.write(
    `Sockpit: the Electron binary is not installed here (${found.missing}), so Sockpit opens in your browser instead.\n`,
  );
  ensureUserInterface();
  runFace('bridge', argv);
} else {
  const problem = buildUserInterface();
  if (problem) {
    process.stderr.write(`Sockpit: the app could not be built: ${problem}.\n`);
    process.exit(1);
  }
  const env = { ...process.env };
  // Inherited from some other tool, this would make the binary run as plain Node instead of the app.
  delete env.ELECTRON_RUN_AS_NODE;
  const app = spawn(found.path, ['.', ...argv], { cwd: ROOT, env, stdio: 'inherit' });
  app.on('error', (err) => {
    process.stderr.write(`Sockpit: could not start ${found.path}: ${err.message}\n`);
    process.exit(1);
  });
  // Ctrl+C reaches the app through the terminal too; a plain kill of this script must not orphan it.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => app.kill(signal));
  app.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
