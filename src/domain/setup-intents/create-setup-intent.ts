import { AppError } from '../../lib/errors.js';
import { newId, randomBase62 } from '../../lib/ids.js';
import { initialMetadata, type Metadata } from '../../lib/metadata.js';
import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import { paymentMethodFromInput, type PaymentMethodDataInput } from '../payment-intents/confirm-payment-intent.js';
import { requireCustomer } from '../payment-methods/customer-reference.js';
import { insertSetupIntent, type SetupIntent } from './setup-intent.js';

export interface CreateSetupIntentInput {
  customer: string;
  usage?: 'on_session' | 'off_session' | undefined;
  setup_future_usage?: 'off_session' | undefined;
  currency?: string | undefined;
  payment_method?: string | undefined;
  payment_method_data?: PaymentMethodDataInput | undefined;
  description?: string | null | undefined;
  metadata?: Metadata | '' | undefined;
}

/** Creates a SetupIntent to save a card for a customer (event `setup_intent.created`). */
export async function createSetupIntent(ctx: OpContext, input: CreateSetupIntentInput): Promise<SetupIntent> {
  if (input.setup_future_usage !== undefined && input.usage === 'on_session') {
    const message = "setup_future_usage 'off_session' contradicts usage 'on_session': give one of them.";
    throw new AppError('parameter_invalid', message, { param: 'setup_future_usage' });
  }
  await requireCustomer(ctx, input.customer);
  const usable = await paymentMethodFromInput(ctx, input, input.customer);
  const id = newId('seti');
  const si: SetupIntent = {
    id,
    object: 'setup_intent',
    cancellation_reason: null,
    client_secret: `${id}_secret_${randomBase62(24)}`,
    created: ctx.actor.now,
    currency: input.currency ?? null,
    customer: input.customer,
    description: input.description ?? null,
    last_setup_error: null,
    livemode: ctx.actor.scope.livemode,
    metadata: initialMetadata(input.metadata),
    next_action: null,
    payment_method: usable?.paymentMethod.id ?? null,
    payment_method_types: ['card'],
    status: usable ? 'requires_confirmation' : 'requires_payment_method',
    usage: input.usage ?? input.setup_future_usage ?? 'off_session',
  };
  await insertSetupIntent(ctx, si);
  await recordEvent(ctx, 'setup_intent.created', si);
  return si;
}
