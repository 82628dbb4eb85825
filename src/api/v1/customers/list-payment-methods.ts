import { listPaymentMethods } from '../../../domain/payment-methods/list-payment-methods.js';
import { requireCustomer } from '../../../domain/payment-methods/customer-reference.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { applyExpand } from '../../../http/expand.js';
import { createdFilters, listEnvelope, listSchema, pageRequest } from '../../../http/list.js';
import { listPaymentMethodsQuery } from '../payment_methods/list.js';
import { paymentMethodSchema } from '../payment_methods/schema.js';
import { customerIdParams } from './schema.js';

/** The filters of `GET /v1/payment_methods` but `customer`, which the path names. */
export const listCustomerPaymentMethodsQuery = listPaymentMethodsQuery.omit({ customer: true });

/** A customer's attached payment methods, newest first: `GET /v1/payment_methods?customer=` under the customer. */
export const listCustomerPaymentMethodsEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/customers/:id/payment_methods'],
  summary: "List a customer's PaymentMethods, newest first (filters: type, created)",
  tags: ['Customers', 'PaymentMethods'],
  params: customerIdParams,
  query: listCustomerPaymentMethodsQuery,
  response: listSchema(paymentMethodSchema),
  handler: async ({ deps, actor, db, params, query, path }) => {
    await applyExpand([], query.expand, {}, { list: true });
    const ctx = { deps, actor, db };
    await requireCustomer(ctx, params.id, 'id');
    const page = await listPaymentMethods(ctx, { customer: params.id, type: query.type, created: createdFilters(query.created) }, pageRequest(query));
    return listEnvelope(page, path);
  },
});
