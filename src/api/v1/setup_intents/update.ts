import { z } from 'zod';
import { updateSetupIntent } from '../../../domain/setup-intents/update-setup-intent.js';
import { zCurrency } from '../../../http/catalog-params.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { setupIntentFields, setupIntentIdParams, setupIntentSchema } from './schema.js';

export const updateSetupIntentBody = z.strictObject({
  ...setupIntentFields,
  currency: z.union([zCurrency(), z.literal('').transform(() => null), z.null()]).optional(),
});

export const updateSetupIntentEndpoint = defineEndpoint({
  method: 'POST',
  paths: ['/v1/setup_intents/:id'],
  summary: 'Update a SetupIntent',
  tags: ['SetupIntents'],
  params: setupIntentIdParams,
  body: updateSetupIntentBody,
  response: setupIntentSchema,
  handler: ({ deps, actor, db, params, body }) => updateSetupIntent({ deps, actor, db }, params.id, body),
});
