import type { OpContext } from '../context.js';
import type { PaymentIntent } from './payment-intent.js';
import { loadPaymentIntent, presentPaymentIntent } from './payment-intent-store.js';

export async function retrievePaymentIntent(ctx: OpContext, id: string): Promise<PaymentIntent> {
  return presentPaymentIntent(ctx, (await loadPaymentIntent(ctx, id)).intent);
}
