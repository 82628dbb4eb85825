import { z } from 'zod';
import { presentCustomer, retrieveCustomer } from '../../../domain/customers/retrieve-customer.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { applyExpand } from '../../../http/expand.js';
import { CUSTOMER_EXPANDERS, customerIdParams, customerRetrieveQuery, customerSchema, deletedCustomerSchema } from './schema.js';

export const retrieveCustomerEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/customers/:id'],
  summary: 'Retrieve a customer (a deleted customer answers with its tombstone)',
  tags: ['Customers'],
  params: customerIdParams,
  query: customerRetrieveQuery,
  response: z.union([customerSchema, deletedCustomerSchema]),
  handler: async ({ deps, actor, db, params, query }) => {
    await applyExpand([], query.expand, CUSTOMER_EXPANDERS); // a bad `expand` is a 400 whether or not the id exists
    const customer = presentCustomer(await retrieveCustomer({ deps, actor, db }, params.id));
    await applyExpand([customer], query.expand, CUSTOMER_EXPANDERS);
    return customer;
  },
});
