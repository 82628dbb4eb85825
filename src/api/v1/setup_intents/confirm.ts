import { z } from 'zod';
import { confirmSetupIntent } from '../../../domain/setup-intents/confirm-setup-intent.js';
import { CommittedError, defineEndpoint } from '../../../http/endpoint.js';
import { setupConfirmFields, setupIntentIdParams, setupIntentSchema } from './schema.js';

export const confirmSetupIntentBody = z.strictObject(setupConfirmFields);

export const confirmSetupIntentEndpoint = defineEndpoint({
  method: 'POST',
  paths: ['/v1/setup_intents/:id/confirm'],
  summary: 'Confirm a SetupIntent (on success the payment method is attached to the customer)',
  tags: ['SetupIntents'],
  params: setupIntentIdParams,
  body: confirmSetupIntentBody,
  response: setupIntentSchema,
  handler: async ({ deps, actor, db, params, body }) => {
    const result = await confirmSetupIntent({ deps, actor, db }, params.id, body);
    if (result.error) throw new CommittedError(result.error);
    return result.intent;
  },
});
