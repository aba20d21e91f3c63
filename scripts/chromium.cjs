'use strict';
// Which Chromium the end-to-end suite drives, in this order:
//   1. CHROMIUM_PATH, when set;
//   2. a Chromium or Chrome the system has (/usr/bin/chromium, chromium-browser, google-chrome,
//      google-chrome-stable, or those names on PATH), if it answers --version;
//   3. the Chromium inside the @sparticuz/chromium package (a devDependency, so `npm install` brings it
//      from the npm registry like any package: no browser download). It ships brotli-packed; the first
//      run unpacks it into node_modules/.cache/sockpit-chromium/<version>/.
//
// The packaged Chromium is Linux x64 chrome-headless-shell. It comes with the NSS libraries it links
// against (built for Amazon Linux 2023, al2023.tar.br) and one font family (Open Sans, no CJK). The
// launcher written beside it points LD_LIBRARY_PATH at those libraries, so it runs on a machine with no
// browser libraries at all, and gives it a fontconfig file that adds the system's fonts when there are
// any: without a single font, text lays out with no height and nothing is "visible".
//
// scripts/e2e.cjs resolves (and unpacks) before Playwright starts and passes the result in CHROMIUM_PATH;
// playwright.config.ts falls back to findChromiumSync() when Playwright is run directly.

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const SYSTEM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];
const SYSTEM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
const PACKAGE = '@sparticuz/chromium';
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'sockpit-chromium');

/** "Chromium 156.0.8078.108 …" from `--version`, or the reason it did not answer. */
function versionOf(executable) {
  const run = spawnSync(executable, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  if (run.error) return { error: run.error.code ?? run.error.message };
  const out = (run.stdout ?? '').trim();
  if (run.status !== 0 || !/\d+\.\d+/.test(out))
    return {
      error: `--version exited ${run.status ?? run.signal}: ${(out || run.stderr || '').trim().split('\n')[0]}`,
    };
  return { version: out };
}

function isExecutableFile(file) {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutableFile(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

/** The first system Chromium that runs, and what was wrong with the ones that did not. */
function systemChromium() {
  const tried = [];
  const candidates = [
    ...new Set([...SYSTEM_PATHS.filter(isExecutableFile), ...SYSTEM_NAMES.map(onPath).filter(Boolean)]),
  ];
  for (const candidate of candidates) {
    const { version, error } = versionOf(candidate);
    if (version) return { found: { path: candidate, version, source: 'the system’s' }, tried };
    tried.push(`${candidate}: ${error}`);
  }
  return { found: undefined, tried };
}

/** The installed package's folder; its exports leave out package.json, so it is found from the entry up. */
function packageDir() {
  let dir;
  try {
    dir = path.dirname(require.resolve(PACKAGE, { paths: [ROOT] }));
  } catch {
    return undefined;
  }
  for (; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file) && JSON.parse(fs.readFileSync(file, 'utf8')).name === PACKAGE) return dir;
  }
  return undefined;
}

function packageVersion() {
  const dir = packageDir();
  return dir && JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
}

function bundledDir(version) {
  return path.join(CACHE, version);
}

/** The launcher of an already unpacked packaged Chromium, or undefined. */
function unpackedChromium() {
  const version = packageVersion();
  if (!version) return undefined;
  const launcher = path.join(bundledDir(version), 'chromium-launcher');
  return isExecutableFile(launcher) ? launcher : undefined;
}

/** fontconfig file: the system's fonts when there are any, then the packaged Open Sans. */
function fontsConf(dir) {
  const escape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
    '<!-- Written by scripts/chromium.cjs for the packaged Chromium. -->',
    '<fontconfig>',
    '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>',
    `  <dir>${escape(path.join(dir, 'fonts', 'fonts'))}</dir>`,
    `  <cachedir>${escape(path.join(dir, 'fontconfig-cache'))}</cachedir>`,
    '</fontconfig>',
    '',
  ].join('\n');
}

const LAUNCHER = [
  '#!/bin/sh',
  '# Written by scripts/chromium.cjs: the packaged Chromium with the libraries and fonts unpacked beside it.',
  'dir=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd) || exit 1',
  'LD_LIBRARY_PATH="$dir/al2023/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" FONTCONFIG_FILE="$dir/fonts.conf" exec "$dir/chromium" "$@"',
  '',
].join('\n');

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** Writes `text` to `file` through a temporary file, so a reader never sees half of it. */
function writeAtomically(file, text, mode) {
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, text, { mode });
  fs.renameSync(temp, file);
}

/** Unpacks the packaged Chromium (once per package version) and returns its launcher. */
async function unpackBundled() {
  const version = packageVersion();
  if (!version) throw new Error(`${PACKAGE} is not installed; run "npm install"`);
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(`${PACKAGE} ships Chromium for Linux x64 only, and this is ${process.platform} ${process.arch}`);
  const dir = bundledDir(version);
  if (!unpackedChromium()) {
    fs.mkdirSync(CACHE, { recursive: true });
    // Unpacked into a folder of its own, then renamed into place: a run that is interrupted, or one
    // running at the same time, never finds a half-written browser.
    const staging = fs.mkdtempSync(path.join(CACHE, `${version}.partial-${process.pid}-`));
    try {
      const bin = path.join(packageDir(), 'bin');
      const { inflate } = await import(require.resolve(PACKAGE, { paths: [ROOT] }));
      // inflate() unpacks into os.tmpdir(), which follows TMPDIR.
      const savedTmp = process.env.TMPDIR;
      process.env.TMPDIR = staging;
      try {
        await Promise.all(
          ['chromium.br', 'al2023.tar.br', 'fonts.tar.br'].map((file) => inflate(path.join(bin, file))),
        );
      } finally {
        if (savedTmp === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = savedTmp;
      }
      fs.chmodSync(path.join(staging, 'chromium'), 0o755);
      fs.writeFileSync(path.join(staging, 'chromium-launcher'), LAUNCHER, { mode: 0o755 });
      try {
        fs.renameSync(staging, dir);
      } catch (err) {
        // Another run got there first; what it unpacked is the same package version.
        if (!unpackedChromium()) throw err;
      }
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
    // Versions this checkout no longer uses, and what runs that were killed mid-way left behind.
    for (const name of fs.readdirSync(CACHE)) {
      const partOf = /\.partial-(\d+)-/.exec(name);
      if (partOf ? !isAlive(Number(partOf[1])) : name !== version)
        fs.rmSync(path.join(CACHE, name), { recursive: true, force: true });
    }
  }
  // Rewritten every time: it names absolute paths, and the checkout may have moved since the unpacking.
  const conf = fontsConf(dir);
  const confFile = path.join(dir, 'fonts.conf');
  if (!fs.existsSync(confFile) || fs.readFileSync(confFile, 'utf8') !== conf) writeAtomically(confFile, conf, 0o644);
  return path.join(dir, 'chromium-launcher');
}

function describeUnpacked(launcher) {
  const { version, error } = versionOf(launcher);
  if (!version)
    throw new Error(
      `the Chromium from ${PACKAGE} was unpacked to ${path.dirname(launcher)} but does not run: ${error}`,
    );
  return { path: launcher, version, source: `npm's ${PACKAGE} ${packageVersion()}` };
}

/** The Chromium to use, unpacking the packaged one if it comes to that. */
async function resolveChromium() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    const { version, error } = versionOf(fromEnv);
    if (!version) throw new Error(`CHROMIUM_PATH=${fromEnv} does not run: ${error}`);
    return { path: fromEnv, version, source: 'CHROMIUM_PATH' };
  }
  const { found, tried } = systemChromium();
  if (found) return { ...found, tried };
  return { ...describeUnpacked(await unpackBundled()), tried };
}

/** The same choice without unpacking, for a Playwright run that did not go through scripts/e2e.cjs. */
function findChromiumSync() {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  const { found } = systemChromium();
  if (found) return found.path;
  const unpacked = unpackedChromium();
  if (unpacked) return unpacked;
  throw new Error(
    `No Chromium found: set CHROMIUM_PATH, install one, or run "npm run e2e" once (it unpacks the one from ${PACKAGE}).`,
  );
}

module.exports = { resolveChromium, findChromiumSync };
