import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isKnownEventType } from './event-types.js';

/** Every TypeScript source under src, tests excluded. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('event types', () => {
  it('every type the code records is one a webhook endpoint can subscribe to', () => {
    const recorded = new Set<string>();
    for (const file of sources(join(import.meta.dirname, '..', '..'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/recordEvent\([^,]+,\s*'([a-z_.]+)'/g)) recorded.add(m[1] ?? '');
      // Types chosen at run time are assigned from literals (`event = 'setup_intent.succeeded'`).
      for (const m of text.matchAll(/event = '([a-z_]+\.[a-z_.]+)'/g)) recorded.add(m[1] ?? '');
    }
    // Built from a status: a charge's and a PaymentIntent's settled outcomes.
    for (const status of ['succeeded', 'pending', 'failed']) recorded.add(`charge.${status}`);
    for (const outcome of ['succeeded', 'amount_capturable_updated', 'payment_failed']) recorded.add(`payment_intent.${outcome}`);
    expect(recorded.size).toBeGreaterThan(40);
    expect([...recorded].filter((t) => !isKnownEventType(t))).toEqual([]);
  });
});
