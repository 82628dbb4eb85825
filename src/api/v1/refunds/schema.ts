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

export const refundIdParams = z.strictObject({ id: zText(255) });
