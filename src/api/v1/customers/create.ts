import { z } from 'zod';
import { createCustomer } from '../../../domain/customers/create-customer.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { customerFields, customerSchema } from './schema.js';

export const createCustomerBody = z.strictObject(customerFields);
export type CreateCustomerRequest = z.input<typeof createCustomerBody>;
export type CreateCustomerResponse = z.output<typeof customerSchema>;

export const createCustomerEndpoint = defineEndpoint({
  method: 'POST',
  paths: ['/v1/customers'],
  summary: 'Create a customer',
  tags: ['Customers'],
  body: createCustomerBody,
  response: customerSchema,
  handler: ({ deps, actor, db, body }) => createCustomer({ deps, actor, db }, body),
});
