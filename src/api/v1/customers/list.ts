import { z } from 'zod';
import { listCustomers } from '../../../domain/customers/list-customers.js';
import { applyExpand } from '../../../http/expand.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { createdFilters, listEnvelope, listSchema, pageRequest } from '../../../http/list.js';
import { listParams, zCreatedFilter, zEmail, zText } from '../../../http/params.js';
import { CUSTOMER_EXPANDERS, customerSchema } from './schema.js';

export const listCustomersQuery = z.strictObject({
  ...listParams,
  email: zEmail().refine((s) => s.length > 0, { error: 'must not be empty' }).optional(),
  search: zText(200, { min: 1 }).optional(),
  created: zCreatedFilter().optional(),
});

export const listCustomersEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/customers'],
  summary: 'List customers, newest first (filters: email, search over name/email/id, created)',
  tags: ['Customers'],
  query: listCustomersQuery,
  response: listSchema(customerSchema),
  handler: async ({ deps, actor, db, query, path }) => {
    await applyExpand([], query.expand, CUSTOMER_EXPANDERS, { list: true });
    const page = await listCustomers({ deps, actor, db }, { email: query.email, search: query.search, created: createdFilters(query.created) }, pageRequest(query));
    return listEnvelope(page, path);
  },
});
