import { z } from 'zod';
import { attachPaymentMethod } from '../../../domain/payment-methods/attach-payment-method.js';
import { createCardPaymentMethod } from '../../../domain/payment-methods/create-payment-method.js';
import { zOneOf } from '../../../http/catalog-params.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { zId, zMetadata } from '../../../http/params.js';
import { AppError } from '../../../lib/errors.js';
import { billingDetailsInput, cardInput, paymentMethodSchema } from './schema.js';

export const createPaymentMethodBody = z.strictObject({
  payment_method: zId('pm').optional(),
  customer: zId('cus').optional(),
  type: zOneOf(['card']).optional(),
  card: cardInput.optional(),
  billing_details: billingDetailsInput.optional(),
  metadata: zMetadata().optional(),
});
export type CreatePaymentMethodRequest = z.input<typeof createPaymentMethodBody>;

/**
 * `POST /v1/payment_methods` as the Fluveo reference defines it — attach `payment_method` to `customer` — and, with
 * `type: card` and `card{…}` instead, create a card PaymentMethod (attached at once when `customer` is given).
 */
export const createPaymentMethodEndpoint = defineEndpoint({
  method: 'POST',
  paths: ['/v1/payment_methods'],
  summary: 'Attach a PaymentMethod to a customer, or create a card PaymentMethod',
  tags: ['PaymentMethods'],
  body: createPaymentMethodBody,
  response: paymentMethodSchema,
  handler: async ({ deps, actor, db, body }) => {
    const ctx = { deps, actor, db };
    if (body.payment_method !== undefined) {
      const extra = (['type', 'card', 'billing_details', 'metadata'] as const).find((k) => body[k] !== undefined);
      if (extra) {
        throw new AppError('parameter_invalid', `${extra} cannot be combined with payment_method: attaching keeps the card as it is.`, {
          param: extra,
        });
      }
      if (body.customer === undefined) {
        throw new AppError('parameter_missing', 'Missing required param: customer.', { param: 'customer' });
      }
      return attachPaymentMethod(ctx, body.payment_method, body.customer);
    }
    if (body.type === undefined) throw new AppError('parameter_missing', 'Missing required param: payment_method (or type and card).', { param: 'payment_method' });
    if (body.card === undefined) throw new AppError('parameter_missing', 'Missing required param: card.', { param: 'card' });
    const created = await createCardPaymentMethod(ctx, {
      card: body.card,
      billing_details: body.billing_details,
      metadata: body.metadata,
      customer: body.customer,
    });
    return created.paymentMethod;
  },
});
