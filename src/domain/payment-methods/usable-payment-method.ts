import { AppError } from '../../lib/errors.js';
import type { OpContext } from '../context.js';
import type { UsablePaymentMethod } from './payment-method.js';
import { loadPaymentMethod } from './retrieve-payment-method.js';

/**
 * A payment method given to a PaymentIntent or SetupIntent: it must be visible to the caller, not detached, and
 * when attached to a customer, used with that same customer.
 */
export async function usablePaymentMethod(
  ctx: OpContext,
  id: string,
  options: { param: string; customer: string | null },
): Promise<UsablePaymentMethod> {
  const loaded = await loadPaymentMethod(ctx, id, { param: options.param });
  const { paymentMethod } = loaded;
  if (loaded.detached) {
    throw new AppError(
      'parameter_invalid',
      `The PaymentMethod '${id}' was detached from its customer and cannot be used again. Collect new payment details.`,
      { param: options.param },
    );
  }
  if (paymentMethod.customer !== null && paymentMethod.customer !== options.customer) {
    throw new AppError(
      'parameter_invalid',
      options.customer === null
        ? `The PaymentMethod '${id}' is attached to a customer; pass that customer (\`customer\`) to use it.`
        : `The PaymentMethod '${id}' belongs to a different customer.`,
      { param: options.param },
    );
  }
  return { paymentMethod, token: loaded.token, isTestId: loaded.isTestId };
}
