import { z } from 'zod';
import { cancelSetupIntent } from '../../../domain/setup-intents/cancel-setup-intent.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { zText } from '../../../http/params.js';
import { setupIntentIdParams, setupIntentSchema } from './schema.js';

export const cancelSetupIntentBody = z.strictObject({ cancellation_reason: zText(1000, { min: 1 }).optional() });

export const cancelSetupIntentEndpoint = defineEndpoint({
  method: 'POST',
  paths: ['/v1/setup_intents/:id/cancel'],
  summary: 'Cancel a SetupIntent',
  tags: ['SetupIntents'],
  params: setupIntentIdParams,
  body: cancelSetupIntentBody,
  response: setupIntentSchema,
  handler: ({ deps, actor, db, params, body }) => cancelSetupIntent({ deps, actor, db }, params.id, body.cancellation_reason),
});
