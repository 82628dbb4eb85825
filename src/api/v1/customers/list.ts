import { z } from 'zod';
import { listCustomers } from '../../../domain/customers/list-customers.js';
import { applyExpand } from '../../../http/expand.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { createdFilters, listEnvelope, listSchema, pageRequest } from '../../../http/list.js';
import { listParams, zCreatedFilter, zEmail } from '../../../http/params.js';
import { CUSTOMER_EXPANDERS, customerSchema } from './schema.js';

export const listCustomersQuery = z.strictObject({
  ...listParams,
  email: zEmail().refine((s) => s.length > 0, { error: 'must not be empty' }).optional(),
  created: zCreatedFilter().optional(),
});

export const listCustomersEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/customers'],
  summary: 'List customers, newest first',
  tags: ['Customers'],
  query: listCustomersQuery,
  response: listSchema(customerSchema),
  handler: async ({ deps, actor, db, query, path }) => {
    await applyExpand([], query.expand, CUSTOMER_EXPANDERS, { list: true });
    const page = await listCustomers({ deps, actor, db }, { email: query.email, created: createdFilters(query.created) }, pageRequest(query));
    return listEnvelope(page, path);
  },
});
