#!/usr/bin/env node
'use strict';
// `sockpit` (and `npm run sockpit`): the command line, built into out/cli/index.js.
require('./lib/run-face.cjs').runFace('cli');
