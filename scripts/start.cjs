#!/usr/bin/env node
'use strict';
// Until the desktop UI lands, `npm start` must still say something true and useful, and exit cleanly.
process.stdout.write(
  'Sockpit: the desktop app arrives with the UI issue; for now use the command-line tool, e.g. "npx sockpit tcp-server --port 7890" (see "npx sockpit --help").\n',
);
