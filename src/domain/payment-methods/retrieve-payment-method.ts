import { modeValue } from '../../db/objects.js';
import { fixedStatement } from '../../db/statements.js';
import { AppError } from '../../lib/errors.js';
import type { OpContext } from '../context.js';
import { TEST_CARD_EXPIRY, TEST_PAYMENT_METHODS, testCardFacts, testProcessor } from '../processor/test-processor.js';
import { cardFingerprint } from './card-fingerprint.js';
import { buildPaymentMethod } from './create-payment-method.js';
import { PAYMENT_METHODS_TABLE, type PaymentMethod } from './payment-method.js';

/** `created` of the shared test payment methods, which are not stored objects (2024-01-01T00:00:00Z). */
export const TEST_PAYMENT_METHOD_CREATED = 1_704_067_200;

export interface LoadedPaymentMethod {
  paymentMethod: PaymentMethod;
  token: string;
  detached: boolean;
  isTestId: boolean;
}

export function isTestPaymentMethodId(id: string): boolean {
  return Object.hasOwn(TEST_PAYMENT_METHODS, id);
}

/**
 * Loads a payment method visible to the caller: a stored one of this merchant and mode, or — in test mode — one of
 * the shared `pm_card_*` test ids, rendered as a PaymentMethod with that id (no customer, fixed `created`). Anything
 * else is 404 naming `param`.
 */
export async function loadPaymentMethod(
  ctx: OpContext,
  id: string,
  options: { param?: string; forUpdate?: boolean } = {},
): Promise<LoadedPaymentMethod> {
  const param = options.param ?? 'id';
  const testNumber = isTestPaymentMethodId(id) ? TEST_PAYMENT_METHODS[id] : undefined;
  if (testNumber !== undefined) {
    if (ctx.actor.scope.livemode) {
      throw new AppError('resource_missing', `No such PaymentMethod: '${id}'. Test payment methods only work with test-mode keys.`, {
        param,
      });
    }
    const tokenized = await testProcessor.tokenize({ number: testNumber, ...TEST_CARD_EXPIRY });
    const facts = testCardFacts(testNumber, TEST_CARD_EXPIRY.exp_month, TEST_CARD_EXPIRY.exp_year);
    const pm = buildPaymentMethod(ctx, facts, await cardFingerprint(ctx, testNumber, { publicTestNumber: true }), {});
    return { paymentMethod: { ...pm, id, created: TEST_PAYMENT_METHOD_CREATED }, token: tokenized.token, detached: false, isTestId: true };
  }
  const lock = options.forUpdate && ctx.deps.store.engine === 'postgres' ? ' for update' : '';
  const statement = fixedStatement(
    ctx.db,
    `select data, processor_token, detached from ${PAYMENT_METHODS_TABLE} where merchant_id = ? and livemode = ? and id = ?${lock}`,
    [ctx.actor.scope.merchantId, modeValue(ctx.actor.scope), id],
  );
  const row = (await ctx.db.executeQuery<{ data: string; processor_token: string; detached: number }>(statement)).rows[0];
  if (!row) throw new AppError('resource_missing', `No such PaymentMethod: '${id}'`, { param });
  return {
    paymentMethod: JSON.parse(row.data) as PaymentMethod,
    token: row.processor_token,
    detached: row.detached === 1,
    isTestId: false,
  };
}

export async function retrievePaymentMethod(ctx: OpContext, id: string): Promise<PaymentMethod> {
  return (await loadPaymentMethod(ctx, id)).paymentMethod;
}
