import { retrieveSetupIntent } from '../../../domain/setup-intents/retrieve-setup-intent.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { setupIntentIdParams, setupIntentSchema } from './schema.js';

export const retrieveSetupIntentEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/setup_intents/:id'],
  summary: 'Retrieve a SetupIntent',
  tags: ['SetupIntents'],
  params: setupIntentIdParams,
  response: setupIntentSchema,
  handler: ({ deps, actor, db, params }) => retrieveSetupIntent({ deps, actor, db }, params.id),
});
