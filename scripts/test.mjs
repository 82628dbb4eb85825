#!/usr/bin/env node
// `npm test`: the API suite on SQLite and PostgreSQL, then the browser suite (headless chromium), one after the
// other. Each writes a JSON report under test-results/. TEST_BROWSER=off skips the browser suite.
import { spawnSync } from 'node:child_process';

/** @type {string[]} */
const extra = process.argv.slice(2);
/** @param {string[]} args */
const run = (args) => spawnSync(process.execPath, [new URL('../node_modules/vitest/vitest.mjs', import.meta.url).pathname, 'run', ...args, ...extra], { stdio: 'inherit' }).status ?? 1;

const api = run([]);
const browser = process.env.TEST_BROWSER === 'off' ? 0 : run(['--config', 'vitest.browser.config.ts']);
process.exit(api !== 0 || browser !== 0 ? 1 : 0);
