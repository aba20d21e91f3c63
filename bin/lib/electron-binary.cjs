'use strict';
// Where the Electron executable is, found without `require('electron')`: that module downloads the
// binary from GitHub when it is missing, which hangs or fails on machines without that access.
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');

function isFile(file) {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * @param {{ env?: NodeJS.ProcessEnv, root?: string }} [options]
 * @returns {{ path: string } | { missing: string }}
 */
function findElectronBinary(options = {}) {
  const env = options.env ?? process.env;
  const root = options.root ?? ROOT;
  // An explicit choice wins, and a wrong one is reported rather than silently replaced by another binary.
  if (env.ELECTRON_BIN) {
    const chosen = path.resolve(env.ELECTRON_BIN);
    return isFile(chosen) ? { path: chosen } : { missing: `ELECTRON_BIN points to ${chosen}, which is not a file` };
  }
  let packageDir;
  try {
    packageDir = path.dirname(require.resolve('electron/package.json', { paths: [root] }));
  } catch {
    return { missing: 'the electron package is not installed; "npm install" installs it' };
  }
  const pathFile = path.join(packageDir, 'path.txt');
  let relative;
  try {
    relative = fs.readFileSync(pathFile, 'utf8').trim();
  } catch {
    return { missing: `its download never ran: ${path.relative(root, pathFile)} is missing` };
  }
  if (!relative) return { missing: `${path.relative(root, pathFile)} is empty` };
  const binary = path.join(packageDir, 'dist', relative);
  return isFile(binary) ? { path: binary } : { missing: `${path.relative(root, binary)} does not exist` };
}

module.exports = { findElectronBinary };
