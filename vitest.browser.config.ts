import { defineConfig } from 'vitest/config';

/**
 * The browser suite: the checkout pages driven in headless chromium (playwright-core with the system's chromium,
 * see test/browser/browser.ts). Run with `npm run test:browser`; `npm test` leaves it out.
 */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One browser at a time: the suite is about correctness, not speed.
    maxWorkers: 1,
    fileParallelism: false,
    reporters: ['default'],
  },
});
