import { insertObject, modeValue } from '../../db/objects.js';
import { AppError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { initialMetadata, type Metadata } from '../../lib/metadata.js';
import { money } from '../../lib/money.js';
import { loadCharge, saveCharge, type Charge } from '../charges/charge.js';
import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import { loadPaymentIntent } from '../payment-intents/payment-intent-store.js';
import { canTransition, unexpectedState } from '../payment-intents/state-machine.js';
import { processorFor } from '../processor/processor.js';
import { REFUNDS_TABLE, type Refund } from './refund.js';

export interface CreateRefundInput {
  payment_intent?: string | undefined;
  charge?: string | undefined;
  amount?: number | undefined;
  reason?: string | undefined;
  metadata?: Metadata | '' | undefined;
}

/**
 * Refunds captured money of a succeeded PaymentIntent (named directly or through its charge). `amount` defaults
 * to what remains; partial and repeated refunds are allowed, never beyond the captured amount (400
 * `amount_too_large`). The intent and then its charge are locked first, so concurrent refunds of the same payment
 * run one after the other and the second sees what the first refunded. A refund the processor refuses is kept
 * with `status: failed` (event `refund.failed`) and refunds nothing.
 */
export async function createRefund(
  ctx: OpContext,
  input: CreateRefundInput,
  options: { paymentIntentParam?: string } = {},
): Promise<Refund> {
  let intentId = input.payment_intent;
  if (intentId === undefined) {
    if (input.charge === undefined) {
      throw new AppError('parameter_missing', 'Pass the payment_intent (or charge) to refund.', { param: 'payment_intent' });
    }
    intentId = (await loadCharge(ctx, input.charge, { param: 'charge' })).charge.payment_intent;
  }
  const { intent } = await loadPaymentIntent(ctx, intentId, { forUpdate: true, param: options.paymentIntentParam ?? 'payment_intent' });
  if (!canTransition(intent.status, 'refund')) {
    // On POST /v1/refunds the intent that cannot be refunded is named by the parameter that chose it; on
    // POST /v1/payment_intents/{id}/refund it is the resource itself, as for any other action in the wrong state.
    const param = options.paymentIntentParam !== undefined ? null : input.payment_intent !== undefined ? 'payment_intent' : 'charge';
    throw unexpectedState(intent.status, 'refund', param);
  }
  if (!intent.latest_charge) throw new Error(`PaymentIntent ${intent.id} is succeeded without a charge`);
  if (input.charge !== undefined && input.charge !== intent.latest_charge) {
    throw new AppError(
      'parameter_invalid',
      input.payment_intent !== undefined
        ? `The charge '${input.charge}' is not the captured charge of PaymentIntent '${intent.id}'.`
        : `The charge '${input.charge}' was not captured, so there is nothing to refund.`,
      { param: 'charge' },
    );
  }
  const loaded = await loadCharge(ctx, intent.latest_charge, { forUpdate: true });
  const charge = loaded.charge;
  // What was refunded is read from the refunds themselves, after the charge is locked: the charge's
  // `amount_refunded` also counts what a partial capture released, which was never captured.
  const refundedSoFar = await succeededRefundsTotal(ctx, charge.id);
  const remaining = money.sub(charge.amount_captured, refundedSoFar);
  if (remaining <= 0) {
    throw new AppError('amount_too_large', `Charge ${charge.id} has already been refunded in full.`, { param: 'amount' });
  }
  const amount = input.amount ?? remaining;
  if (amount > remaining) {
    throw new AppError(
      'amount_too_large',
      `Refund amount (${amount}) is greater than the amount that remains refundable on charge ${charge.id} (${remaining}).`,
      { param: 'amount' },
    );
  }
  if (!loaded.reference) throw new Error(`Charge ${charge.id} has no processor reference`);
  const id = newId('ref');
  const decision = await processorFor(ctx.deps, ctx.actor.scope.livemode).refund({
    reference: loaded.reference,
    amount,
    currency: charge.currency,
    attempt: id,
  });
  const refund: Refund = {
    id,
    object: 'refund',
    amount,
    charge: charge.id,
    created: ctx.actor.now,
    currency: charge.currency,
    failure_reason: decision.outcome === 'failed' ? decision.reason : null,
    livemode: ctx.actor.scope.livemode,
    metadata: initialMetadata(input.metadata),
    payment_intent: intent.id,
    reason: input.reason ?? null,
    status: decision.outcome === 'failed' ? 'failed' : 'succeeded',
  };
  await insertObject(ctx.db, REFUNDS_TABLE, ctx.actor.scope, refund, { payment_intent: intent.id, charge: charge.id, status: refund.status });
  const link = { paymentIntent: intent.id };
  await recordEvent(ctx, 'refund.created', refund, link);
  if (refund.status === 'failed') {
    await recordEvent(ctx, 'refund.failed', refund, link);
    return refund;
  }
  const refundedTotal = money.add(money.add(releasedAmount(charge), refundedSoFar), amount);
  const next: Charge = { ...charge, amount_refunded: refundedTotal, refunded: refundedTotal === charge.amount };
  await saveCharge(ctx, next);
  await recordEvent(ctx, 'charge.refunded', next, link);
  return refund;
}

/** The part of a charge's amount a partial capture released (never captured): 0 for a charge captured whole. */
function releasedAmount(charge: Charge): number {
  return charge.captured ? money.sub(charge.amount, charge.amount_captured) : 0;
}

/** The sum of a charge's succeeded refunds. */
async function succeededRefundsTotal(ctx: OpContext, chargeId: string): Promise<number> {
  const rows = (await ctx.db
    .selectFrom(REFUNDS_TABLE)
    .select('data')
    .where('merchant_id', '=', ctx.actor.scope.merchantId)
    .where('livemode', '=', modeValue(ctx.actor.scope))
    .where('charge', '=', chargeId)
    .where('status', '=', 'succeeded')
    .execute()) as { data: string }[];
  return rows.reduce((total, row) => money.add(total, (JSON.parse(row.data) as Refund).amount), 0);
}
