import { defineConfig } from 'vitest/config';

// End-to-end tests: a real server on a fresh embedded database per test, driven in Debian's Chromium.
// `npm run test:e2e`; needs `apt-get install -y chromium` (never `npx playwright install`).
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    env: { LABELFLEET_E2E: '1' },
    globalSetup: ['test/e2e/global-setup.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
