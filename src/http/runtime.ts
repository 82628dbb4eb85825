import type { Deps } from '../domain/context.js';
import { KeyResolver } from './auth.js';
import { secretBox } from '../domain/webhooks/secrets-key.js';
import { IdempotencyStore } from './idempotency.js';
import { createMetrics, type Metrics } from './metrics.js';
import type { FastifyRequest } from 'fastify';
import { RATE_LIMITS, RateLimiter, rateHeaders, type RateDecision, type RateLimits } from './rate-limit.js';

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

/**
 * Spends one of the client IP's unauthenticated requests (a failed authentication, a checkout link's visit, the PIX
 * PSP's report) and shows the allowance in the reply's headers. The decision to enforce is undefined when rate
 * limits are off: the requests are still counted and shown, never refused.
 */
export function takeIpAllowance(
  runtime: Runtime,
  request: Pick<FastifyRequest, 'ip'>,
  reply: { header(k: string, v: string): unknown },
): RateDecision | undefined {
  const { deps } = runtime;
  const d = runtime.rateLimiter.take(`ip:${request.ip}`, runtime.rateLimits.unauthenticated, deps.clock.nowMs());
  for (const [k, v] of Object.entries(rateHeaders(d))) reply.header(k, v);
  return deps.config.rateLimits ? d : undefined;
}
