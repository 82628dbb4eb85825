import { insertObject } from '../../db/objects.js';
import { newId } from '../../lib/ids.js';
import type { OpContext } from '../context.js';
import type { PaymentMethod } from '../payment-methods/payment-method.js';
import { DECLINE_DESCRIPTIONS, type DeclineCode } from '../processor/processor.js';
import type { StoredPaymentIntent } from '../payment-intents/payment-intent.js';
import { CHARGES_TABLE, type Charge, type ChargeOutcome } from './charge.js';

export type ChargeResult =
  | { kind: 'captured'; reference: string }
  | { kind: 'authorized'; reference: string }
  | { kind: 'pending'; reference: string }
  | { kind: 'declined'; declineCode: DeclineCode; reference: string | null };

const DECLINE_SELLER_MESSAGE = 'The bank did not return any further details with this decline.';

/** The outcome of a payment the network approved. */
export const APPROVED_OUTCOME: Readonly<ChargeOutcome> = {
  network_status: 'approved_by_network',
  reason: null,
  risk_level: 'normal',
  seller_message: 'Payment complete.',
  type: 'authorized',
};

function outcomeOf(result: ChargeResult): ChargeOutcome {
  if (result.kind === 'declined') {
    return {
      network_status: 'declined_by_network',
      reason: result.declineCode,
      risk_level: 'normal',
      seller_message: DECLINE_SELLER_MESSAGE,
      type: 'issuer_declined',
    };
  }
  return { ...APPROVED_OUTCOME };
}

/** Records one payment attempt on an intent as a Charge: captured, authorized (held), pending or failed. */
export async function recordCharge(
  ctx: OpContext,
  intent: StoredPaymentIntent,
  paymentMethod: PaymentMethod,
  result: ChargeResult,
  options: { authenticated: boolean },
): Promise<Charge> {
  const declined = result.kind === 'declined';
  const charge: Charge = {
    id: newId('ch'),
    object: 'charge',
    amount: intent.amount,
    amount_captured: result.kind === 'captured' ? intent.amount : 0,
    amount_refunded: 0,
    balance_transaction: null,
    billing_details: paymentMethod.billing_details,
    captured: result.kind === 'captured',
    created: ctx.actor.now,
    currency: intent.currency,
    customer: intent.customer,
    description: intent.description,
    disputed: false,
    failure_code: declined ? 'card_declined' : null,
    failure_message: declined ? DECLINE_DESCRIPTIONS[result.declineCode] : null,
    livemode: ctx.actor.scope.livemode,
    metadata: {},
    outcome: outcomeOf(result),
    paid: result.kind === 'captured' || result.kind === 'authorized',
    payment_intent: intent.id,
    payment_method: paymentMethod.id,
    payment_method_details: {
      type: 'card',
      card: {
        brand: paymentMethod.card.brand,
        checks: paymentMethod.card.checks,
        country: paymentMethod.card.country,
        exp_month: paymentMethod.card.exp_month,
        exp_year: paymentMethod.card.exp_year,
        fingerprint: paymentMethod.card.fingerprint,
        funding: paymentMethod.card.funding,
        last4: paymentMethod.card.last4,
        three_d_secure: options.authenticated ? { authenticated: true, result: 'authenticated' } : null,
      },
    },
    receipt_email: intent.receipt_email,
    receipt_url: null,
    refunded: false,
    statement_descriptor: intent.statement_descriptor,
    status: declined ? 'failed' : result.kind === 'pending' ? 'pending' : 'succeeded',
  };
  await insertCharge(ctx, charge, result.reference);
  return charge;
}

/** Writes a new charge with the columns its lists filter on and the processor's reference (null if it has none). */
export async function insertCharge(ctx: OpContext, charge: Charge, reference: string | null): Promise<void> {
  await insertObject(ctx.db, CHARGES_TABLE, ctx.actor.scope, charge, {
    payment_intent: charge.payment_intent,
    customer: charge.customer,
    status: charge.status,
    processor_reference: reference,
  });
}
