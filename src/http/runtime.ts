import type { Deps } from '../domain/context.js';
import { KeyResolver } from './auth.js';
import { secretBox } from '../domain/webhooks/secrets-key.js';
import { IdempotencyStore } from './idempotency.js';
import { createMetrics, type Metrics } from './metrics.js';
import { RATE_LIMITS, RateLimiter, type RateLimits } from './rate-limit.js';

/** The edge's per-process state, built once per app. */
export interface Runtime {
  deps: Deps;
  keys: KeyResolver;
  rateLimiter: RateLimiter;
  /** Requests per minute by tier (decisions.md §10); a test may lower them on its own app. */
  rateLimits: RateLimits;
  idempotency: IdempotencyStore;
  metrics: Metrics;
}

export function createRuntime(deps: Deps): Runtime {
  return {
    deps,
    keys: new KeyResolver(deps.store),
    rateLimiter: new RateLimiter(),
    rateLimits: { ...RATE_LIMITS },
    idempotency: new IdempotencyStore(deps.store, () => secretBox(deps.config)),
    metrics: createMetrics(deps),
  };
}
