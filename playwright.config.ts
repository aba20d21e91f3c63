import { defineConfig } from '@playwright/test';
import { findChromiumSync } from './scripts/chromium.cjs';

// The real UI in Chromium against the browser bridge (real engine, real sockets). Playwright's own browser
// download is neither possible nor needed: `npm run e2e` (scripts/e2e.cjs) picks the system's Chromium or
// the one the npm package @sparticuz/chromium ships, and passes it in CHROMIUM_PATH.
const chromium = process.env.CHROMIUM_PATH ?? findChromiumSync();

export default defineConfig({
  testDir: 'e2e',
  // One bridge per worker, shared by its tests; two workers would fight for the machine's two cores.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  retries: 0,
  reporter: [['list'], ['json', { outputFile: '.playwright-results.json' }]],
  use: {
    headless: true,
    viewport: { width: 1500, height: 900 },
    launchOptions: {
      executablePath: chromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    },
    trace: 'retain-on-failure',
  },
});
