import { AppError } from '../lib/errors.js';

export interface RateLimits {
  default: number;
  sensitive: number;
  unauthenticated: number;
}

export const RATE_LIMITS: Readonly<RateLimits> = {
  /** Per merchant and mode. */
  default: 1_500,
  /** Per merchant and mode on /v1/api_keys. */
  sensitive: 10,
  /** Per client IP for requests that do not authenticate. */
  unauthenticated: 100,
};

const WINDOW_MS = 60_000;

export interface RateDecision {
  limit: number;
  remaining: number;
  retryAfterS: number;
  allowed: boolean;
}

/**
 * Fixed one-minute windows counted in this process. On several nodes each node counts its own share, so the
 * effective limit is per node; documented in docs/decisions.md.
 */
export class RateLimiter {
  private counters = new Map<string, { window: number; count: number }>();
  private currentWindow = 0;

  take(bucket: string, limit: number, nowMs: number): RateDecision {
    const window = Math.floor(nowMs / WINDOW_MS);
    if (window !== this.currentWindow) {
      this.counters.clear();
      this.currentWindow = window;
    }
    let c = this.counters.get(bucket);
    if (!c) {
      c = { window, count: 0 };
      this.counters.set(bucket, c);
    }
    c.count += 1;
    return this.decision(c.count, limit, window, nowMs);
  }

  /** What `take` would report, without counting a request. */
  peek(bucket: string, limit: number, nowMs: number): RateDecision {
    const window = Math.floor(nowMs / WINDOW_MS);
    const count = window === this.currentWindow ? (this.counters.get(bucket)?.count ?? 0) : 0;
    return this.decision(count, limit, window, nowMs);
  }

  private decision(count: number, limit: number, window: number, nowMs: number): RateDecision {
    return {
      limit,
      remaining: Math.max(0, limit - count),
      retryAfterS: Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - nowMs) / 1000)),
      allowed: count <= limit,
    };
  }
}

export function rateHeaders(d: RateDecision): Record<string, string> {
  return { 'X-RateLimit-Limit': String(d.limit), 'X-RateLimit-Remaining': String(d.remaining) };
}

export function rateLimitError(d: RateDecision): AppError {
  return new AppError('rate_limit_exceeded', 'Too many requests. Please retry after the period specified in the Retry-After header.', {
    headers: { 'Retry-After': String(d.retryAfterS) },
  });
}
