import type { Deps } from '../domain/context.js';
import { KeyResolver } from './auth.js';
import { IdempotencyStore } from './idempotency.js';
import { RateLimiter } from './rate-limit.js';

/** The edge's per-process state, built once per app. */
export interface Runtime {
  deps: Deps;
  keys: KeyResolver;
  rateLimiter: RateLimiter;
  idempotency: IdempotencyStore;
}

export function createRuntime(deps: Deps): Runtime {
  return {
    deps,
    keys: new KeyResolver(deps.store),
    rateLimiter: new RateLimiter(),
    idempotency: new IdempotencyStore(deps.store),
  };
}
