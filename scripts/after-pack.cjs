'use strict';
// electron-builder afterPack hook: flip Electron's fuses in the packaged binary (R-FUSES, checklist #19).
// It runs after the app is copied and before signing, which must come after any change to the binary.
//
// Fuses close doors another local program could use to borrow the app's identity and rights:
// ELECTRON_RUN_AS_NODE, NODE_OPTIONS, --inspect, file:// privileges, and loading app code from anywhere but
// the (integrity-checked) app.asar. A consequence: Playwright's _electron.launch needs --inspect, so the
// e2e suite drives the development binary, not a packaged one.

const fs = require('node:fs');
const path = require('node:path');
const { flipFuses, getCurrentFuseWire, FuseV1Options, FuseVersion } = require('@electron/fuses');

// The wire stores each fuse as an ASCII digit; @electron/fuses 1.x does not export its state enum.
const FUSE_ON = '1'.charCodeAt(0);
const FUSE_OFF = '0'.charCodeAt(0);

/** What every packaged build must ship with. */
const FUSES = {
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  // No cookies are used; encrypting them anyway costs nothing and leaves nothing readable on disk.
  [FuseV1Options.EnableCookieEncryption]: true,
};

// A real Electron executable is over 100 MB; the offline packaging check uses a few-byte placeholder.
const STUB_MAX_BYTES = 1024 * 1024;

/** The file that carries the fuse wire: the executable, or on macOS the framework inside the bundle. */
function fuseFile(binary) {
  return binary.endsWith('.app')
    ? path.join(binary, 'Contents', 'Frameworks', 'Electron Framework.framework', 'Electron Framework')
    : binary;
}

function packagedBinary(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  const extension = { darwin: '.app', mas: '.app', win32: '.exe', linux: '' }[electronPlatformName] ?? '';
  const name = electronPlatformName === 'linux' ? packager.executableName : packager.appInfo.productFilename;
  return path.join(appOutDir, `${name}${extension}`);
}

/** Why this binary cannot carry fuses (a placeholder), or undefined for a real one. */
function stubReason(binary) {
  // A missing binary throws: skipping it would ship an unfused app from a misconfigured build.
  const size = fs.statSync(fuseFile(binary)).size;
  return size < STUB_MAX_BYTES
    ? `${path.basename(binary)} is a ${size}-byte placeholder, not an Electron executable (offline packaging check)`
    : undefined;
}

/** Flips the fuses, then reads them back: a wire that did not take is a failed build, not a warning. */
async function applyFuses(
  binary,
  { resetAdHocDarwinSignature = false, log = (line) => process.stdout.write(`${line}\n`) } = {},
) {
  const stub = stubReason(binary);
  if (stub) {
    log(`  • fuses NOT applied: ${stub}`);
    return { applied: false, reason: stub };
  }
  await flipFuses(binary, { version: FuseVersion.V1, resetAdHocDarwinSignature, ...FUSES });
  const wire = await getCurrentFuseWire(binary);
  const wrong = Object.entries(FUSES)
    .filter(([option, enabled]) => wire[option] !== (enabled ? FUSE_ON : FUSE_OFF))
    .map(([option]) => FuseV1Options[option]);
  if (wrong.length > 0) throw new Error(`fuses did not take in ${binary}: ${wrong.join(', ')}`);
  log(
    `  • fuses applied  ${Object.entries(FUSES)
      .map(([option, enabled]) => `${FuseV1Options[option]}=${enabled ? 'on' : 'off'}`)
      .join(' ')}`,
  );
  return { applied: true };
}

async function afterPack(context) {
  const { Arch } = require('electron-builder');
  // Changing the binary breaks the ad-hoc signature Apple Silicon requires; the fuses library re-signs it.
  const darwin = context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas';
  const resetAdHocDarwinSignature = darwin && (context.arch === Arch.arm64 || context.arch === Arch.universal);
  await applyFuses(packagedBinary(context), { resetAdHocDarwinSignature });
}

module.exports = afterPack;
module.exports.default = afterPack;
module.exports.applyFuses = applyFuses;
module.exports.FUSES = FUSES;
