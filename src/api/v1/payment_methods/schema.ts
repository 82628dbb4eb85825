import { z } from 'zod';
import { zOneOf, zRequired } from '../../../http/catalog-params.js';
import { zAddress, zEmail, zInt, zMetadata, zText } from '../../../http/params.js';
import { customerSchema } from '../customers/schema.js';

export const billingDetailsSchema = z.object({
  address: customerSchema.shape.address,
  email: z.string().nullable(),
  name: z.string().nullable(),
  phone: z.string().nullable(),
});

const brand = z.enum(['visa', 'mastercard', 'amex', 'discover', 'diners', 'jcb', 'unionpay', 'unknown']);
const funding = z.enum(['credit', 'debit', 'prepaid', 'unknown']);
const checks = z.object({
  address_line1_check: z.null(),
  address_postal_code_check: z.null(),
  cvc_check: z.enum(['pass']).nullable(),
});

export const paymentMethodSchema = z
  .object({
    id: z.string(),
    object: z.literal('payment_method'),
    billing_details: billingDetailsSchema,
    card: z.object({
      brand,
      checks,
      country: z.string().nullable(),
      exp_month: z.int(),
      exp_year: z.int(),
      fingerprint: z.string(),
      funding,
      last4: z.string(),
      three_d_secure_usage: z.object({ supported: z.boolean() }),
      wallet: z.null(),
    }),
    created: z.int(),
    customer: z.string().nullable(),
    livemode: z.boolean(),
    metadata: z.record(z.string(), z.string()),
    type: z.literal('card'),
  })
  .meta({ id: 'PaymentMethod' });

/** The card details the customer typed. The precise checks (Luhn, expiry, CVC) run in the domain. */
export const cardInput = z.strictObject({
  number: zRequired(
    z.union([zText(40, { min: 1 }), z.number().int().nonnegative().transform((n) => String(n))], { error: 'must be a card number' }),
  ),
  exp_month: zRequired(zInt(0, 99)),
  exp_year: zRequired(zInt(0, 9999)),
  cvc: z.union([zText(8), z.number().int().nonnegative().transform((n) => String(n))], { error: 'must be a string of digits' }).optional(),
});

export const billingDetailsInput = z.strictObject({
  address: zAddress().optional(),
  email: zEmail().optional(),
  name: zText(256).optional(),
  phone: zText(40).optional(),
});

/** `payment_method_data` of PaymentIntents and SetupIntents: a card PaymentMethod made on the spot. */
export const paymentMethodDataInput = z.strictObject({
  type: zOneOf(['card']),
  card: cardInput,
  billing_details: billingDetailsInput.optional(),
  metadata: zMetadata().optional(),
});

export const paymentMethodIdParams = z.strictObject({ id: zText(255) });
