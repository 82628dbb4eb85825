import type { OpContext } from '../context.js';

export const MAX_ADVANCE_S = 31_536_000;

export interface TestClockObject {
  object: 'test_clock';
  now: number;
  offset_seconds: number;
}

/** The merchant's test-mode clock as an object. */
export function presentClock(ctx: OpContext): TestClockObject {
  return { object: 'test_clock', now: ctx.actor.now, offset_seconds: ctx.actor.merchant.test_clock_offset_s };
}

/**
 * Moves the merchant's test-mode clock forward. Everything time-driven in test mode reads the merchant's offset,
 * so due work (expiry, retries) becomes due at once and the schedulers pick it up on their next short tick.
 */
export async function advanceClock(ctx: OpContext, seconds: number): Promise<TestClockObject> {
  // One atomic increment: concurrent advances add up (a read-then-write would lose all but one on PostgreSQL).
  const row: { test_clock_offset_s: number } = await ctx.db
    .updateTable('merchants')
    .set((eb) => ({ test_clock_offset_s: eb('test_clock_offset_s', '+', seconds) }))
    .where('id', '=', ctx.actor.merchant.id)
    .returning('test_clock_offset_s')
    .executeTakeFirstOrThrow();
  const offset = row.test_clock_offset_s;
  const now = Math.floor(ctx.deps.clock.nowMs() / 1000) + offset;
  return { object: 'test_clock', now, offset_seconds: offset };
}
