import { z } from 'zod';
import { billingDetailsSchema } from '../payment_methods/schema.js';

export const chargeSchema = z
  .object({
    id: z.string(),
    object: z.literal('charge'),
    amount: z.int(),
    amount_captured: z.int(),
    amount_refunded: z.int(),
    balance_transaction: z.null(),
    billing_details: billingDetailsSchema,
    captured: z.boolean(),
    created: z.int(),
    currency: z.string(),
    customer: z.string().nullable(),
    description: z.string().nullable(),
    disputed: z.boolean(),
    failure_code: z.string().nullable(),
    failure_message: z.string().nullable(),
    livemode: z.boolean(),
    metadata: z.record(z.string(), z.string()),
    outcome: z.object({
      network_status: z.enum(['approved_by_network', 'declined_by_network', 'not_sent_to_network']),
      reason: z.string().nullable(),
      risk_level: z.string(),
      seller_message: z.string(),
      type: z.enum(['authorized', 'issuer_declined', 'invalid']),
    }),
    paid: z.boolean(),
    payment_intent: z.string(),
    payment_method: z.string().nullable(),
    payment_method_details: z.union([
      z.object({
        type: z.literal('card'),
        card: z.object({
          brand: z.string(),
          checks: z.object({ address_line1_check: z.null(), address_postal_code_check: z.null(), cvc_check: z.string().nullable() }),
          country: z.string().nullable(),
          exp_month: z.int(),
          exp_year: z.int(),
          fingerprint: z.string(),
          funding: z.string(),
          last4: z.string(),
          three_d_secure: z.object({ authenticated: z.boolean(), result: z.string() }).nullable(),
        }),
      }),
      z.object({ type: z.literal('pix'), pix: z.object({ bank_transaction_id: z.string() }) }),
    ]),
    receipt_email: z.string().nullable(),
    receipt_url: z.null(),
    refunded: z.boolean(),
    statement_descriptor: z.string().nullable(),
    status: z.enum(['succeeded', 'pending', 'failed']),
  })
  .meta({ id: 'Charge' });

export const chargeListSchema = z.object({
  object: z.literal('list'),
  data: z.array(chargeSchema),
  has_more: z.boolean(),
  url: z.string(),
  next_cursor: z.string().nullable(),
});
