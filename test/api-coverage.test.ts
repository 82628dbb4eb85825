import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { renderCoverage } from '../scripts/api-coverage.js';

it('docs/api-coverage.md lists every endpoint (regenerate with scripts/api-coverage.ts)', () => {
  expect(readFileSync(new URL('../docs/api-coverage.md', import.meta.url), 'utf8')).toBe(renderCoverage());
});
