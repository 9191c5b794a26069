import { defineConfig } from '@playwright/test';

/**
 * Browser end-to-end tests. `scripts/portal test` starts the portal on a fresh data folder
 * and runs these against it, then starts it on PostgreSQL and runs the tests tagged @postgres.
 * To run them alone: `./scripts/portal e2e [--postgres] [file...]` (a portal of their own, with
 * the test overlay: `backend.reading.allow` for the entities the tests register from
 * 127.0.0.1:7399, `aiPlatform.ingest.entityRefreshSeconds: 5`).
 *
 * Chromium comes from Debian's package (/usr/bin/chromium): Playwright's own browser
 * download does not work on these machines.
 */
export default defineConfig({
  testDir: 'packages/app/e2e-tests',
  timeout: 90_000,
  expect: { timeout: 30_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: [['list']],
  outputDir: '.artifacts/e2e-test-results',
  use: {
    baseURL: process.env.PLAYWRIGHT_URL ?? 'http://localhost:3000',
    screenshot: 'only-on-failure',
    trace: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
