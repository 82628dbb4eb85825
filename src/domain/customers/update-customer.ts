import { updateObject } from '../../db/objects.js';
import { notFound } from '../../lib/errors.js';
import { mergeMetadata } from '../../lib/metadata.js';
import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import type { CreateCustomerInput } from './create-customer.js';
import { CUSTOMERS_TABLE, isDeleted, textOrNull, toAddress, type Customer } from './customer.js';
import { retrieveCustomer } from './retrieve-customer.js';
import { isUnchanged } from '../../lib/unchanged.js';

export type UpdateCustomerInput = CreateCustomerInput;

/**
 * Updates the given fields; `null` (or "") unsets a field; `address` merges field by field; metadata merges.
 * Deleted customers answer 404. An update that changes nothing writes nothing and records no event.
 */
export async function updateCustomer(ctx: OpContext, id: string, input: UpdateCustomerInput): Promise<Customer> {
  const current = await retrieveCustomer(ctx, id, { forUpdate: true });
  if (isDeleted(current)) throw notFound('customer', id);
  const next: Customer = { ...current };
  const text = (v: string | null | undefined, old: string | null) => (v === undefined ? old : textOrNull(v));
  next.email = text(input.email, current.email);
  next.name = text(input.name, current.name);
  next.phone = text(input.phone, current.phone);
  next.description = text(input.description, current.description);
  if (input.address !== undefined) {
    next.address = input.address === null ? null : toAddress({ ...current.address, ...input.address });
  }
  next.metadata = mergeMetadata(current.metadata, input.metadata);
  if (isUnchanged(next, current)) return current;
  await updateObject(ctx.db, CUSTOMERS_TABLE, ctx.actor.scope, next, { email: next.email });
  await recordEvent(ctx, 'customer.updated', next);
  return next;
}
