import { z } from 'zod';
import { confirmPaymentIntent } from '../../../domain/payment-intents/confirm-payment-intent.js';
import { createStoredPaymentIntent } from '../../../domain/payment-intents/create-payment-intent.js';
import { writeUnsavedPaymentIntent } from '../../../domain/payment-intents/payment-intent-store.js';
import { zOneOf } from '../../../http/catalog-params.js';
import { CommittedError, defineEndpoint } from '../../../http/endpoint.js';
import { zBool, zId, zInt } from '../../../http/params.js';
import { MAX_AMOUNT } from '../../../lib/currencies.js';
import { AppError } from '../../../lib/errors.js';
import { paymentMethodDataInput } from '../payment_methods/schema.js';
import { paymentIntentFields, paymentIntentSchema, zCurrency, zPaymentAmount, zPaymentMethodTypes, zUrl } from './schema.js';

export const createPaymentIntentBody = z.strictObject({
  ...paymentIntentFields,
  amount: zPaymentAmount(),
  currency: zCurrency(),
  /** Alias of `customer` (the Fluveo quickstart's spelling). */
  customer_id: zId('cus').optional(),
  confirmation_method: zOneOf(['automatic', 'manual']).optional(),
  payment_method_data: paymentMethodDataInput.optional(),
  payment_method_types: zPaymentMethodTypes().optional(),
  application_fee_amount: zInt(0, MAX_AMOUNT).optional(),
  confirm: zBool().optional(),
  off_session: zBool().optional(),
  return_url: zUrl().optional(),
});
export type CreatePaymentIntentRequest = z.input<typeof createPaymentIntentBody>;
export type CreatePaymentIntentResponse = z.output<typeof paymentIntentSchema>;

export const createPaymentIntentEndpoint = defineEndpoint({
  method: 'POST',
  paths: ['/v1/payment_intents'],
  summary: 'Create a PaymentIntent (confirm: true confirms it at once)',
  tags: ['PaymentIntents'],
  body: createPaymentIntentBody,
  response: paymentIntentSchema,
  handler: async ({ deps, actor, db, body }) => {
    const ctx = { deps, actor, db };
    if (body.customer !== undefined && body.customer_id !== undefined && body.customer !== body.customer_id) {
      throw new AppError('parameter_invalid', 'customer and customer_id name the same field; pass one of them.', { param: 'customer_id' });
    }
    if (body.return_url !== undefined && body.confirm !== true) {
      throw new AppError('parameter_invalid', 'return_url can only be given together with confirm: true (or on the confirm call).', {
        param: 'return_url',
      });
    }
    if (body.off_session !== undefined && body.confirm !== true) {
      throw new AppError('parameter_invalid', 'off_session can only be given together with confirm: true (or on the confirm call).', {
        param: 'off_session',
      });
    }
    const { stored, presented: intent } = await createStoredPaymentIntent(ctx, {
      amount: body.amount,
      currency: body.currency,
      customer: body.customer ?? body.customer_id,
      payment_method: body.payment_method,
      payment_method_data: body.payment_method_data,
      capture_method: body.capture_method,
      confirmation_method: body.confirmation_method,
      description: body.description,
      statement_descriptor: body.statement_descriptor,
      statement_descriptor_suffix: body.statement_descriptor_suffix,
      application_fee_amount: body.application_fee_amount,
      metadata: body.metadata,
      receipt_email: body.receipt_email,
      setup_future_usage: body.setup_future_usage,
      payment_method_types: body.payment_method_types,
    }, {
      confirming: body.confirm === true,
      // An unknown customer is named as the request spelled it.
      customerParam: body.customer === undefined && body.customer_id !== undefined ? 'customer_id' : 'customer',
    });
    if (body.confirm !== true) return intent;
    let result;
    try {
      result = await confirmPaymentIntent(ctx, intent.id, { return_url: body.return_url, off_session: body.off_session }, { created: stored });
    } finally {
      // The confirmation's save wrote the row; if it did not get that far, the row is written as created.
      await writeUnsavedPaymentIntent(ctx, stored);
    }
    if (result.error) throw new CommittedError(result.error);
    return result.intent;
  },
});
