import { z } from 'zod';
import { updateCustomer } from '../../../domain/customers/update-customer.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { customerFields, customerIdParams, customerSchema } from './schema.js';

export const updateCustomerBody = z.strictObject(customerFields);
export type UpdateCustomerRequest = z.input<typeof updateCustomerBody>;

export const updateCustomerEndpoint = defineEndpoint({
  method: 'POST',
  paths: ['/v1/customers/:id'],
  summary: 'Update a customer (metadata merges; "" or null unsets a field)',
  tags: ['Customers'],
  params: customerIdParams,
  body: updateCustomerBody,
  response: customerSchema,
  handler: ({ deps, actor, db, params, body }) => updateCustomer({ deps, actor, db }, params.id, body),
});
