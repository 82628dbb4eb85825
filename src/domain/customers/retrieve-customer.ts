import { findObject } from '../../db/objects.js';
import { notFound } from '../../lib/errors.js';
import type { OpContext } from '../context.js';
import { CUSTOMERS_TABLE, type StoredCustomer } from './customer.js';

/** The customer, or its tombstone when deleted (retrieve shows tombstones; updates and lists do not). */
export async function retrieveCustomer(
  ctx: OpContext,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<StoredCustomer> {
  const found = await findObject<StoredCustomer>(ctx.db, CUSTOMERS_TABLE, ctx.actor.scope, id, {
    forUpdate: options.forUpdate ?? false,
  });
  if (!found) throw notFound('customer', id);
  return found;
}

/** Renders a stored customer as the API shows it: the tombstone omits `created`. */
export function presentCustomer(c: StoredCustomer): Record<string, unknown> {
  if ('deleted' in c) return { id: c.id, object: 'customer', deleted: true };
  return c as unknown as Record<string, unknown>;
}
