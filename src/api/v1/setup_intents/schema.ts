import { z } from 'zod';
import { SETUP_INTENT_STATUSES } from '../../../domain/setup-intents/setup-intent.js';
import { zOneOf, zUrl } from '../../../http/catalog-params.js';
import { zId, zMetadata, zText } from '../../../http/params.js';
import { paymentMethodDataInput } from '../payment_methods/schema.js';

export const setupIntentSchema = z
  .object({
    id: z.string(),
    object: z.literal('setup_intent'),
    cancellation_reason: z.string().nullable(),
    client_secret: z.string(),
    created: z.int(),
    currency: z.string().nullable(),
    customer: z.string(),
    description: z.string().nullable(),
    last_setup_error: z
      .object({
        type: z.literal('payment_error'),
        code: z.string(),
        decline_code: z.string().nullable(),
        message: z.string(),
        payment_method: z.string().nullable(),
      })
      .nullable(),
    livemode: z.boolean(),
    metadata: z.record(z.string(), z.string()),
    next_action: z
      .object({ type: z.literal('redirect_to_url'), redirect_to_url: z.object({ url: z.string(), return_url: z.string().nullable() }) })
      .nullable(),
    payment_method: z.string().nullable(),
    payment_method_types: z.array(z.string()),
    status: z.enum(SETUP_INTENT_STATUSES),
    usage: z.enum(['on_session', 'off_session']),
  })
  .meta({ id: 'SetupIntent' });

export const setupIntentFields = {
  payment_method: zId('pm').optional(),
  payment_method_data: paymentMethodDataInput.optional(),
  description: z.union([zText(1000, { multiline: true }), z.null()]).optional(),
  metadata: zMetadata().optional(),
  /** Fluveo's SetupIntents accept `off_session` only, which is also what `usage` defaults to. */
  setup_future_usage: zOneOf(['off_session']).optional(),
};

export const setupConfirmFields = {
  payment_method: zId('pm').optional(),
  payment_method_data: paymentMethodDataInput.optional(),
  return_url: zUrl().optional(),
};

export const zUsage = () => zOneOf(['on_session', 'off_session']);
export const setupIntentIdParams = z.strictObject({ id: zText(255) });
