import { insertObject } from '../../db/objects.js';
import { newId } from '../../lib/ids.js';
import { initialMetadata, type Metadata } from '../../lib/metadata.js';
import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import { CUSTOMERS_TABLE, textOrNull, toAddress, type AddressInput, type Customer } from './customer.js';

export interface CreateCustomerInput {
  email?: string | null | undefined;
  name?: string | null | undefined;
  phone?: string | null | undefined;
  description?: string | null | undefined;
  address?: AddressInput | null | undefined;
  metadata?: Metadata | '' | undefined;
}

export async function createCustomer(ctx: OpContext, input: CreateCustomerInput): Promise<Customer> {
  const customer: Customer = {
    id: newId('cus'),
    object: 'customer',
    address: toAddress(input.address),
    balance: 0,
    created: ctx.actor.now,
    currency: null,
    default_source: null,
    delinquent: false,
    description: textOrNull(input.description),
    email: textOrNull(input.email),
    livemode: ctx.actor.scope.livemode,
    metadata: initialMetadata(input.metadata),
    name: textOrNull(input.name),
    phone: textOrNull(input.phone),
    shipping: null,
  };
  await insertObject(ctx.db, CUSTOMERS_TABLE, ctx.actor.scope, customer, { email: customer.email, deleted: 0 });
  await recordEvent(ctx, 'customer.created', customer);
  return customer;
}
