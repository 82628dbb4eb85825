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
  const row = (await ctx.db
    .selectFrom('merchants')
    .select('test_clock_offset_s')
    .where('id', '=', ctx.actor.merchant.id)
    .executeTakeFirstOrThrow()) as { test_clock_offset_s: number };
  const offset = row.test_clock_offset_s + seconds;
  await ctx.db.updateTable('merchants').set({ test_clock_offset_s: offset }).where('id', '=', ctx.actor.merchant.id).execute();
  const now = Math.floor(ctx.deps.clock.nowMs() / 1000) + offset;
  return { object: 'test_clock', now, offset_seconds: offset };
}
