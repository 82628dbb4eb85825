import { defineConfig } from 'vitest/config';

/**
 * The browser suite: the checkout pages driven in headless chromium (playwright-core with the system's chromium,
 * see test/browser/browser.ts). `npm test` runs it after the API suite (scripts/test.mjs); `npm run test:browser` runs it alone.
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
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest-browser.json' },
  },
});
