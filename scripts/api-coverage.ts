/**
 * Writes docs/api-coverage.md from the endpoint registry: every method, path (with aliases) and summary.
 * `node --import tsx scripts/api-coverage.ts` — test/api-coverage.test.ts fails when the file is out of date.
 */
import { writeFileSync } from 'node:fs';
import { endpoints } from '../src/api/v1/index.js';

export function renderCoverage(): string {
  const byTag = new Map<string, string[]>();
  for (const e of endpoints) {
    const tag = e.tags[0] ?? 'Other';
    const paths = e.paths.map((p) => `\`${p.replace(/:([A-Za-z_]+)/g, '{$1}')}\``).join(' ≡ ');
    const auth = e.auth === 'client' ? ' (publishable key + client_secret)' : '';
    const rows = byTag.get(tag) ?? [];
    rows.push(`| ${e.method} | ${paths} | ${e.summary}${auth} |`);
    byTag.set(tag, rows);
  }
  const out = [
    '# API coverage',
    '',
    'Generated from the endpoint registry (`src/api/v1/index.ts`) by `scripts/api-coverage.ts`; `GET /openapi.json`',
    'describes the same endpoints with their parameters and response schemas. Besides these, Railyard serves the hosted',
    'checkout page (`/c/{id}`), checkout links (`/cl/{id}`), the test 3-D Secure page, `/v1/checkout.js`, `/healthz`,',
    '`/readyz`, `/metrics`, and the PIX PSP\'s test webhook (`POST /internal/webhooks/starkbank-payments-test`, docs/payments.md).',
    '',
  ];
  for (const [tag, rows] of byTag) out.push(`## ${tag}`, '', '| Method | Path | What it does |', '|---|---|---|', ...rows, '');
  return out.join('\n');
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) writeFileSync(new URL('../docs/api-coverage.md', import.meta.url), renderCoverage());
