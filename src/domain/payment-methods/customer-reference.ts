import { AppError } from '../../lib/errors.js';
import type { OpContext } from '../context.js';
import { isDeleted, type Customer } from '../customers/customer.js';
import { retrieveCustomer } from '../customers/retrieve-customer.js';

/**
 * A customer named by a parameter (`customer` of a PaymentIntent, SetupIntent, attach call). One that does not
 * exist, is deleted, or belongs to another merchant or mode answers 404 naming the parameter.
 */
export async function requireCustomer(ctx: OpContext, id: string, param = 'customer'): Promise<Customer> {
  const missing = () => new AppError('resource_missing', `No such customer: '${id}'`, { param });
  let found;
  try {
    found = await retrieveCustomer(ctx, id);
  } catch (err) {
    if (err instanceof AppError && err.code === 'resource_missing') throw missing();
    throw err;
  }
  if (isDeleted(found)) throw missing();
  return found;
}
