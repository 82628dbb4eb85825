import { modeValue, updateObject } from '../../db/objects.js';
import { AppError } from '../../lib/errors.js';
import type { Metadata } from '../../lib/metadata.js';
import type { OpContext } from '../context.js';
import type { BillingDetails, PaymentMethodCard } from '../payment-methods/payment-method.js';

export const CHARGES_TABLE = 'charges';

export interface ChargeOutcome {
  network_status: 'approved_by_network' | 'declined_by_network' | 'not_sent_to_network';
  reason: string | null;
  risk_level: 'normal';
  seller_message: string;
  type: 'authorized' | 'issuer_declined' | 'invalid';
}

/** The card as it was at the attempt, and whether the customer authenticated (3-D Secure). */
export interface ChargeCardDetails
  extends Pick<PaymentMethodCard, 'brand' | 'checks' | 'country' | 'exp_month' | 'exp_year' | 'fingerprint' | 'funding' | 'last4'> {
  three_d_secure: { authenticated: boolean; result: 'authenticated' } | null;
}

export interface Charge {
  id: string;
  object: 'charge';
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  balance_transaction: null;
  billing_details: BillingDetails;
  captured: boolean;
  created: number;
  currency: string;
  customer: string | null;
  description: string | null;
  disputed: false;
  failure_code: string | null;
  failure_message: string | null;
  livemode: boolean;
  metadata: Metadata;
  outcome: ChargeOutcome;
  paid: boolean;
  payment_intent: string;
  /** The card's PaymentMethod; null for a PIX transfer (the customer paid from a bank app). */
  payment_method: string | null;
  payment_method_details: { type: 'card'; card: ChargeCardDetails } | { type: 'pix'; pix: { bank_transaction_id: string } };
  receipt_email: string | null;
  receipt_url: null;
  refunded: boolean;
  statement_descriptor: string | null;
  status: 'succeeded' | 'pending' | 'failed';
}

export interface LoadedCharge {
  charge: Charge;
  /** The processor's reference for the authorization (null for charges the processor never accepted). */
  reference: string | null;
}

/** Reads a charge of the caller; `forUpdate` locks it on PostgreSQL for a read-modify-write. */
export async function loadCharge(
  ctx: OpContext,
  id: string,
  options: { forUpdate?: boolean; param?: string } = {},
): Promise<LoadedCharge> {
  let q = ctx.db
    .selectFrom(CHARGES_TABLE)
    .select(['data', 'processor_reference'])
    .where('merchant_id', '=', ctx.actor.scope.merchantId)
    .where('livemode', '=', modeValue(ctx.actor.scope))
    .where('id', '=', id);
  if (options.forUpdate && ctx.deps.store.engine === 'postgres') q = q.forUpdate();
  const row = (await q.executeTakeFirst()) as { data: string; processor_reference: string | null } | undefined;
  if (!row) throw new AppError('resource_missing', `No such charge: '${id}'`, { param: options.param ?? 'id' });
  return { charge: JSON.parse(row.data) as Charge, reference: row.processor_reference };
}

export async function saveCharge(ctx: OpContext, charge: Charge): Promise<void> {
  await updateObject(ctx.db, CHARGES_TABLE, ctx.actor.scope, charge, { status: charge.status });
}
