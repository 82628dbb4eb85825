import { AppError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { initialMetadata, type Metadata } from '../../lib/metadata.js';
import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import { buildLineItems, type LineItemInput } from '../checkout-sessions/build-line-items.js';
import { insertLink, LINK_MAX_LINE_ITEMS, linkUrl, type AfterCompletion, type CheckoutLink } from './checkout-link.js';

export interface AfterCompletionInput {
  type: 'redirect' | 'hosted_confirmation';
  redirect?: { url: string } | undefined;
  hosted_confirmation?: { custom_message?: string | undefined } | undefined;
}

export interface CreateCheckoutLinkInput {
  title: string;
  line_items: LineItemInput[];
  mode?: 'payment' | 'order' | undefined;
  description?: string | undefined;
  currency?: string | undefined;
  after_completion?: AfterCompletionInput | undefined;
  billing_address_collection?: 'auto' | 'required' | undefined;
  metadata?: Metadata | '' | undefined;
  inactive_message?: string | undefined;
  payment_method_types?: string[] | undefined;
  allow_promotion_codes?: boolean | undefined;
  restrictions?: { completed_sessions: { limit: number } } | undefined;
  submit_type?: CheckoutLink['submit_type'] | undefined;
}

/** `after_completion` as stored: the chosen type and its details (none for a confirmation without a message). */
export function buildAfterCompletion(input: AfterCompletionInput | undefined): AfterCompletion {
  if (!input || input.type === 'hosted_confirmation') {
    if (input?.redirect) {
      throw new AppError('parameter_invalid', 'after_completion[redirect] only goes with after_completion[type]=redirect.', { param: 'after_completion[redirect]' });
    }
    const message = input?.hosted_confirmation?.custom_message;
    return message ? { type: 'hosted_confirmation', hosted_confirmation: { custom_message: message } } : { type: 'hosted_confirmation' };
  }
  if (!input.redirect) {
    throw new AppError('parameter_missing', 'Missing required param: after_completion[redirect][url] (for after_completion[type]=redirect).', {
      param: 'after_completion[redirect][url]',
    });
  }
  if (input.hosted_confirmation) {
    throw new AppError('parameter_invalid', 'after_completion[hosted_confirmation] only goes with after_completion[type]=hosted_confirmation.', {
      param: 'after_completion[hosted_confirmation]',
    });
  }
  return { type: 'redirect', redirect: { url: input.redirect.url } };
}

/**
 * Creates a checkout link: its line items are checked as a session's would be (one currency, active prices;
 * `price_data` creates the inline price now, which only this link's sessions may sell). Each visit of its `url`
 * mints a new hosted Checkout Session. Event `checkout_link.created`.
 */
export async function createCheckoutLink(ctx: OpContext, input: CreateCheckoutLinkInput): Promise<CheckoutLink> {
  if (input.line_items.length > LINK_MAX_LINE_ITEMS) {
    throw new AppError('parameter_invalid', `Invalid line_items: a checkout link sells at most ${LINK_MAX_LINE_ITEMS} line items.`, { param: 'line_items' });
  }
  const afterCompletion = buildAfterCompletion(input.after_completion);
  const { items, currency } = await buildLineItems(ctx, input.line_items, { currency: input.currency });
  const id = newId('cl');
  const link: CheckoutLink = {
    id,
    object: 'checkout_link',
    active: true,
    after_completion: afterCompletion,
    allow_promotion_codes: input.allow_promotion_codes ?? false,
    billing_address_collection: input.billing_address_collection ?? 'auto',
    created: ctx.actor.now,
    currency,
    custom_fields: [],
    custom_text: {},
    description: input.description ?? null,
    inactive_message: input.inactive_message ?? null,
    livemode: ctx.actor.scope.livemode,
    metadata: initialMetadata(input.metadata),
    mode: input.mode ?? 'payment',
    payment_method_types: input.payment_method_types ?? ['card'],
    restrictions: input.restrictions ? { completed_sessions: { limit: input.restrictions.completed_sessions.limit } } : null,
    submit_type: input.submit_type ?? 'auto',
    title: input.title,
    url: linkUrl(ctx.deps.config.publicUrl, id),
  };
  await insertLink(ctx, link, {
    items: items.map((li) => ({ price: li.price.id, quantity: li.quantity })),
    ownPrices: items.filter((li, i) => input.line_items[i]?.price_data !== undefined).map((li) => li.price.id),
  });
  await recordEvent(ctx, 'checkout_link.created', link);
  return link;
}
