import { z } from 'zod';
import { listPaymentMethods } from '../../../domain/payment-methods/list-payment-methods.js';
import { requireCustomer } from '../../../domain/payment-methods/customer-reference.js';
import { zOneOf } from '../../../http/catalog-params.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { applyExpand } from '../../../http/expand.js';
import { createdFilters, listEnvelope, listSchema, pageRequest } from '../../../http/list.js';
import { listParams, zCreatedFilter, zId } from '../../../http/params.js';
import { paymentMethodSchema } from './schema.js';

export const listPaymentMethodsQuery = z.strictObject({
  ...listParams,
  customer: zId('cus').optional(),
  type: zOneOf(['card']).optional(),
  created: zCreatedFilter().optional(),
});

export const listPaymentMethodsEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/payment_methods'],
  summary: 'List PaymentMethods, newest first (filters: customer, type, created)',
  tags: ['PaymentMethods'],
  query: listPaymentMethodsQuery,
  response: listSchema(paymentMethodSchema),
  handler: async ({ deps, actor, db, query, path }) => {
    await applyExpand([], query.expand, {}, { list: true });
    const ctx = { deps, actor, db };
    // As under /v1/customers/{id}/payment_methods: an unknown or deleted customer is a 404, not an empty list.
    if (query.customer !== undefined) await requireCustomer(ctx, query.customer);
    const page = await listPaymentMethods(
      ctx,
      { customer: query.customer, type: query.type, created: createdFilters(query.created) },
      pageRequest(query),
    );
    return listEnvelope(page, path);
  },
});
