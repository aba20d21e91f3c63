import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['test/setup.ts'],
    globalSetup: ['test/build-faces.setup.ts'],
    // Real sockets and real peer processes: give slow CI machines room, but never hang forever.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // CI reads the counts from the JSON file; people read the default reporter. The last one keeps the
    // notes of skipped tests, for the missing-peers line at the end of `npm test`.
    reporters: ['default', 'json', './test/helpers/skip-notes-reporter.ts'],
    outputFile: { json: '.vitest-results.json' },
  },
});
