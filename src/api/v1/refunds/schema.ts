import { z } from 'zod';
import { zInt, zMetadata, zText } from '../../../http/params.js';
import { MAX_AMOUNT } from '../../../lib/currencies.js';

export const refundSchema = z
  .object({
    id: z.string(),
    object: z.literal('refund'),
    amount: z.int(),
    charge: z.string(),
    created: z.int(),
    currency: z.string(),
    failure_reason: z.string().nullable(),
    livemode: z.boolean(),
    metadata: z.record(z.string(), z.string()),
    payment_intent: z.string(),
    reason: z.string().nullable(),
    status: z.enum(['succeeded', 'pending', 'failed']),
  })
  .meta({ id: 'Refund' });

/** Fields of a refund request, shared by `POST /v1/refunds` and `POST /v1/payment_intents/{id}/refund`. */
export const refundFields = {
  amount: zInt(1, MAX_AMOUNT).optional(),
  reason: zText(1000, { multiline: true }).optional(),
  metadata: zMetadata().optional(),
};

/**
 * A refund's id in the path. Fluveo's refunds are `ref_…`; the Stripe-shaped reference names them `re_…`, so a
 * `re_` spelling of an id is looked up as the `ref_` refund it names.
 */
export const refundIdParams = z.strictObject({ id: zText(255).transform((id) => (id.startsWith('re_') ? `ref_${id.slice(3)}` : id)) });
