#!/usr/bin/env node
'use strict';
// `npm run web`: Sockpit's engine plus the browser bridge (out/bridge/index.js) in this process. The UI is
// built first when it has never been built.
const { runFace } = require('./lib/run-face.cjs');
const { ensureUserInterface } = require('./lib/user-interface.cjs');

ensureUserInterface();
runFace('bridge');
