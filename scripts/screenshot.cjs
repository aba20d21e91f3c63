#!/usr/bin/env node
'use strict';
// Retakes docs/screenshot.png, the README's picture, from the real UI with real traffic: builds, then runs
// e2e/screenshot.spec.ts with SOCKPIT_UPDATE_SCREENSHOT=1 (which writes to docs/ instead of test-results/).
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const build = spawnSync(npm, ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const run = spawnSync(process.execPath, [path.join(__dirname, 'e2e.cjs'), 'e2e/screenshot.spec.ts'], {
  cwd: ROOT,
  stdio: 'inherit',
  env: { ...process.env, SOCKPIT_UPDATE_SCREENSHOT: '1' },
});
process.exit(run.status ?? 1);
