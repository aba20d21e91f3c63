#!/usr/bin/env node
'use strict';
// `npm run e2e` after the build: picks the Chromium (scripts/chromium.cjs; unpacking the packaged one
// can take a few seconds, which Playwright's synchronously loaded config cannot wait for), says which,
// and runs `playwright test` with it in CHROMIUM_PATH. Arguments go to Playwright.
const { spawn } = require('node:child_process');
const path = require('node:path');
const { resolveChromium } = require('./chromium.cjs');

const ROOT = path.resolve(__dirname, '..');

async function main() {
  let chromium;
  try {
    chromium = await resolveChromium();
  } catch (err) {
    process.stderr.write(
      `End-to-end tests: no Chromium to run them in: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    return 1;
  }
  for (const line of chromium.tried ?? []) process.stdout.write(`End-to-end tests: not using ${line}\n`);
  process.stdout.write(`End-to-end tests: ${chromium.version}, ${chromium.source} (${chromium.path})\n`);
  const cli = require.resolve('@playwright/test/cli', { paths: [ROOT] });
  const child = spawn(process.execPath, [cli, 'test', ...process.argv.slice(2)], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, CHROMIUM_PATH: chromium.path },
  });
  // Ctrl+C reaches Playwright through the terminal; a signal sent to this process alone is passed on.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}

main().then((code) => process.exit(code));
