import { mergeMetadata, type Metadata } from '../../lib/metadata.js';
import type { OpContext } from '../context.js';
import { paymentMethodFromInput, type PaymentMethodDataInput } from '../payment-intents/confirm-payment-intent.js';
import { loadSetupIntent, nextSetupStatus, saveSetupIntent, type SetupIntent } from './setup-intent.js';

export interface UpdateSetupIntentInput {
  payment_method?: string | undefined;
  payment_method_data?: PaymentMethodDataInput | undefined;
  description?: string | null | undefined;
  currency?: string | null | undefined;
  setup_future_usage?: 'off_session' | undefined;
  metadata?: Metadata | '' | undefined;
}

/** Description and metadata change in any status; a new payment method only before the setup succeeded. */
export async function updateSetupIntent(ctx: OpContext, id: string, input: UpdateSetupIntentInput): Promise<SetupIntent> {
  const si = await loadSetupIntent(ctx, id, { forUpdate: true });
  const changesPaymentMethod = input.payment_method !== undefined || input.payment_method_data !== undefined;
  const next: SetupIntent = { ...si, status: nextSetupStatus(si.status, changesPaymentMethod ? 'attach_payment_method' : 'update') };
  if (changesPaymentMethod) {
    const usable = await paymentMethodFromInput(ctx, input, si.customer);
    next.payment_method = usable?.paymentMethod.id ?? null;
    next.next_action = null;
  }
  if (input.description !== undefined) next.description = input.description;
  if (input.currency !== undefined) next.currency = input.currency;
  if (input.setup_future_usage !== undefined) next.usage = input.setup_future_usage;
  next.metadata = mergeMetadata(si.metadata, input.metadata);
  await saveSetupIntent(ctx, next);
  return next;
}
