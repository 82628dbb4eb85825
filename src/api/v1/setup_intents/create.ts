import { z } from 'zod';
import { confirmSetupIntent } from '../../../domain/setup-intents/confirm-setup-intent.js';
import { createSetupIntent } from '../../../domain/setup-intents/create-setup-intent.js';
import { zCurrency, zUrl } from '../../../http/catalog-params.js';
import { CommittedError, defineEndpoint } from '../../../http/endpoint.js';
import { zBool, zId } from '../../../http/params.js';
import { AppError } from '../../../lib/errors.js';
import { setupIntentFields, setupIntentSchema, zUsage } from './schema.js';

export const createSetupIntentBody = z.strictObject({
  ...setupIntentFields,
  customer: zId('cus'),
  usage: zUsage().optional(),
  currency: zCurrency().optional(),
  confirm: zBool().optional(),
  return_url: zUrl().optional(),
});
export type CreateSetupIntentRequest = z.input<typeof createSetupIntentBody>;

export const createSetupIntentEndpoint = defineEndpoint({
  method: 'POST',
  paths: ['/v1/setup_intents'],
  summary: 'Create a SetupIntent to save a card for a customer (confirm: true confirms it at once)',
  tags: ['SetupIntents'],
  body: createSetupIntentBody,
  response: setupIntentSchema,
  handler: async ({ deps, actor, db, body }) => {
    const ctx = { deps, actor, db };
    if (body.return_url !== undefined && body.confirm !== true) {
      throw new AppError('parameter_invalid', 'return_url can only be given together with confirm: true (or on the confirm call).', {
        param: 'return_url',
      });
    }
    const si = await createSetupIntent(ctx, body);
    if (body.confirm !== true) return si;
    const result = await confirmSetupIntent(ctx, si.id, { return_url: body.return_url });
    if (result.error) throw new CommittedError(result.error);
    return result.intent;
  },
});
