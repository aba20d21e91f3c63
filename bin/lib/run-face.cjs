'use strict';
// How every plain-Node face starts: load its built JavaScript (out/<face>/index.js, made by
// `npm run build`), hand it the command line, and turn what main() resolves to into the exit status.
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');

/** Each face speaks in its own voice: the command line in lower case, like the command people type. */
const FACES = {
  cli: { voice: 'sockpit', what: 'the command-line tool' },
  bridge: { voice: 'Sockpit', what: 'the browser bridge' },
};

// Lets stdout drain (pipes are asynchronous on some platforms); a handle that lingers after main() has
// closed everything gets this long, so it never hangs a script.
const LINGER_MS = 2000;

function firstLine(err) {
  return err && err.message ? err.message.split('\n')[0] : String(err);
}

/** @param {'cli' | 'bridge'} face */
function runFace(face, argv = process.argv.slice(2)) {
  const { voice, what } = FACES[face];
  const fail = (line) => {
    process.stderr.write(`${voice}: ${line}\n`);
    process.exit(1);
  };
  const entry = path.join(ROOT, 'out', face, 'index.js');
  if (!fs.existsSync(entry))
    fail(`${what} is not built (out/${face}/index.js is missing): run "npm run build" in ${ROOT} first.`);
  let loaded;
  try {
    loaded = require(entry);
  } catch (err) {
    fail(`cannot load ${what} (${firstLine(err)}). Run "npm install", then "npm run build", in ${ROOT}.`);
  }
  // A reader that stops early (`sockpit … | head`) must not turn into an EPIPE crash.
  process.stdout.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  loaded.main(argv).then(
    (code) => {
      process.exitCode = code;
      setTimeout(() => process.exit(code), LINGER_MS).unref();
    },
    (err) => fail(`internal error: ${err && err.message ? err.message : err}`),
  );
}

module.exports = { ROOT, runFace };
