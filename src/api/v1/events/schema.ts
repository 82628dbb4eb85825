import { z } from 'zod';

export const eventSchema = z
  .object({
    id: z.string(),
    object: z.literal('event'),
    type: z.string(),
    api_version: z.string(),
    created: z.int(),
    livemode: z.boolean(),
    merchant_id: z.string(),
    pending_webhooks: z.int(),
    data: z.object({ object: z.record(z.string(), z.unknown()) }),
  })
  .meta({ id: 'Event' });
