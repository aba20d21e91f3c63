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
    // CI reads the counts from the JSON file; people read the default reporter.
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-results.json' },
  },
});
