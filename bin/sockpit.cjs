#!/usr/bin/env node
'use strict';
// The CLI is the same TypeScript as the engine; tsx compiles it on load so `npx sockpit` works from a
// plain checkout without a build step.
const path = require('node:path');

function die(message) {
  process.stderr.write(`sockpit: ${message}\n`);
  process.exit(1);
}

let cli;
try {
  require('tsx/cjs/api').register();
  cli = require(path.join(__dirname, '..', 'cli', 'main.ts'));
} catch (err) {
  die(`cannot load the command-line tool (${err && err.message ? err.message.split('\n')[0] : err}). Run "npm install" in the Sockpit folder first.`);
}

// A reader that stops early (`sockpit … | head`) must not turn into an EPIPE crash.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
});

cli.main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Everything is closed by now; if some handle still lingers, do not hang a script on it.
    setTimeout(() => process.exit(code), 2000).unref();
  },
  (err) => die(`internal error: ${err && err.message ? err.message : err}`),
);
