import { z } from 'zod';
import { capturePaymentIntent } from '../../../domain/payment-intents/capture-payment-intent.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { zInt } from '../../../http/params.js';
import { AppError } from '../../../lib/errors.js';
import { MAX_AMOUNT } from '../../../lib/currencies.js';
import { emptyToNull, paymentIntentIdParams, paymentIntentSchema } from './schema.js';
import { zStatementDescriptor } from '../../../http/catalog-params.js';

export const capturePaymentIntentBody = z.strictObject({
  amount_to_capture: zInt(1, MAX_AMOUNT).optional(),
  /** Alias of `amount_to_capture`. */
  amount: zInt(1, MAX_AMOUNT).optional(),
  statement_descriptor_suffix: z.union([zStatementDescriptor().transform(emptyToNull), z.null()]).optional(),
});

export const capturePaymentIntentEndpoint = defineEndpoint({
  method: 'POST',
  paths: ['/v1/payment_intents/:id/capture'],
  summary: 'Capture a PaymentIntent (partial capture releases the rest)',
  tags: ['PaymentIntents'],
  params: paymentIntentIdParams,
  body: capturePaymentIntentBody,
  response: paymentIntentSchema,
  handler: ({ deps, actor, db, params, body }) => {
    if (body.amount_to_capture !== undefined && body.amount !== undefined) {
      throw new AppError('parameter_invalid', 'amount is an alias of amount_to_capture; pass one of them.', { param: 'amount' });
    }
    const param = body.amount !== undefined ? 'amount' : 'amount_to_capture';
    return capturePaymentIntent({ deps, actor, db }, params.id, {
      amount: body.amount_to_capture ?? body.amount,
      param,
      statement_descriptor_suffix: body.statement_descriptor_suffix,
    });
  },
});
