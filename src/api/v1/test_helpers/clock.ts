import { z } from 'zod';
import { advanceClock, MAX_ADVANCE_S, presentClock } from '../../../domain/test-clock/test-clock.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { zInt } from '../../../http/params.js';

const clockSchema = z
  .object({ object: z.literal('test_clock'), now: z.int(), offset_seconds: z.int() })
  .meta({ id: 'TestClock' });

export const retrieveClockEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/test_helpers/clock'],
  summary: "The merchant's test-mode clock",
  tags: ['Test helpers'],
  testModeOnly: true,
  response: clockSchema,
  handler: ({ deps, actor, db }) => Promise.resolve(presentClock({ deps, actor, db })),
});

export const advanceClockEndpoint = defineEndpoint({
  method: 'POST',
  paths: ['/v1/test_helpers/advance_clock'],
  summary: "Move the merchant's test-mode clock forward by `seconds` (1 to 31,536,000)",
  tags: ['Test helpers'],
  testModeOnly: true,
  body: z.strictObject({ seconds: zInt(1, MAX_ADVANCE_S) }),
  response: clockSchema,
  handler: async ({ deps, runtime, actor, db, body }) => {
    const clock = await advanceClock({ deps, actor, db }, body.seconds);
    runtime.keys.invalidate();
    return clock;
  },
});
