import { z } from 'zod';
import type { Expander } from '../../../http/expand.js';
import { expandParam, zAddress, zEmail, zMetadata, zText, zUnsettable } from '../../../http/params.js';

const address = z
  .object({
    line1: z.string().nullable(),
    line2: z.string().nullable(),
    city: z.string().nullable(),
    state: z.string().nullable(),
    postal_code: z.string().nullable(),
    country: z.string().nullable(),
  })
  .nullable();

export const customerSchema = z
  .object({
    id: z.string(),
    object: z.literal('customer'),
    address,
    balance: z.int(),
    created: z.int(),
    currency: z.string().nullable(),
    default_source: z.string().nullable(),
    delinquent: z.boolean(),
    description: z.string().nullable(),
    email: z.string().nullable(),
    livemode: z.boolean(),
    metadata: z.record(z.string(), z.string()),
    name: z.string().nullable(),
    phone: z.string().nullable(),
    shipping: z.null(),
  })
  .meta({ id: 'Customer' });

export const deletedCustomerSchema = z
  .object({ id: z.string(), object: z.literal('customer'), deleted: z.literal(true) })
  .meta({ id: 'DeletedCustomer' });

/** Writable fields, shared by create and update (update also accepts null / "" to unset). */
export const customerFields = {
  email: z.union([zEmail(), z.null()]).optional(),
  name: zUnsettable(256).optional(),
  phone: zUnsettable(40).optional(),
  // Free text: newlines and tabs are fine here, other control characters are not.
  description: z.union([zText(1000, { multiline: true }), z.null()]).optional(),
  address: z.union([zAddress(), z.literal('').transform(() => null), z.null()]).optional(),
  metadata: zMetadata().optional(),
};

/** Path ids outside the id grammar (unicode, control characters) are a 400 naming `id`, not a lookup. */
export const customerIdParams = z.strictObject({ id: zText(255) });

/** Customers have no expandable fields; `expand` is still accepted and any value answers 400. */
export const CUSTOMER_EXPANDERS: Record<string, Expander> = {};
export const customerRetrieveQuery = z.strictObject(expandParam);
