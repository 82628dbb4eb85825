import { deleteCustomer } from '../../../domain/customers/delete-customer.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { customerIdParams, deletedCustomerSchema } from './schema.js';

export const deleteCustomerEndpoint = defineEndpoint({
  method: 'DELETE',
  paths: ['/v1/customers/:id'],
  summary: 'Delete a customer',
  tags: ['Customers'],
  params: customerIdParams,
  response: deletedCustomerSchema,
  handler: ({ deps, actor, db, params }) => deleteCustomer({ deps, actor, db }, params.id),
});
