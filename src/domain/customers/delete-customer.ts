import { updateObject } from '../../db/objects.js';
import { notFound } from '../../lib/errors.js';
import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import { CUSTOMERS_TABLE, isDeleted, type DeletedCustomer } from './customer.js';
import { retrieveCustomer } from './retrieve-customer.js';

/**
 * Deletes a customer: the row becomes a tombstone (personal data cleared, id and `created` kept so history and
 * cursors stay valid). The `customer.deleted` event carries the customer as it was.
 */
export async function deleteCustomer(ctx: OpContext, id: string): Promise<DeletedCustomer> {
  const current = await retrieveCustomer(ctx, id, { forUpdate: true });
  if (isDeleted(current)) throw notFound('customer', id);
  const tombstone = { id, object: 'customer' as const, deleted: true as const, created: current.created };
  await updateObject(ctx.db, CUSTOMERS_TABLE, ctx.actor.scope, tombstone, { email: null, deleted: 1 });
  await recordEvent(ctx, 'customer.deleted', { ...current });
  return { id, object: 'customer', deleted: true };
}
