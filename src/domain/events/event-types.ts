/**
 * Every event type a webhook endpoint may subscribe to: the types this codebase emits and the types of the Fluveo
 * event-type enum (fluveo-api.md §4.2), so an integration can subscribe ahead of a feature landing here. `*`
 * subscribes to all of them. A new emitted type is added here, in one place.
 */
export const KNOWN_EVENT_TYPES = [
  'api_key.created',
  'api_key.revoked',
  'api_key.rolled',
  'balance.available',
  'charge.captured',
  'charge.dispute.closed',
  'charge.dispute.created',
  'charge.dispute.updated',
  'charge.failed',
  'charge.pending',
  'charge.refunded',
  'charge.succeeded',
  'checkout.session.completed',
  'checkout.session.expired',
  'checkout_link.created',
  'checkout_link.updated',
  'collection.created',
  'collection.deleted',
  'collection.updated',
  'conversion_tracking.config.error',
  'customer.created',
  'customer.deleted',
  'customer.updated',
  'customer.subscription.created',
  'customer.subscription.deleted',
  'customer.subscription.past_due',
  'customer.subscription.resumed',
  'customer.subscription.trial_will_end',
  'customer.subscription.updated',
  'dispute.closed',
  'dispute.created',
  'dispute.evidence.required',
  'dispute.updated',
  'fulfillment.canceled',
  'fulfillment.created',
  'fulfillment.delivered',
  'fulfillment.shipped',
  'fulfillment.updated',
  'inventory_item.updated',
  'inventory_level.updated',
  'invoice.created',
  'invoice.finalized',
  'invoice.marked_uncollectible',
  'invoice.paid',
  'invoice.payment_failed',
  'invoice.upcoming',
  'invoice.voided',
  'mandate.updated',
  'merchant.verification.approved',
  'order.canceled',
  'order.completed',
  'order.created',
  'order.paid',
  'order.updated',
  'payment_intent.amount_capturable_updated',
  'payment_intent.canceled',
  'payment_intent.created',
  'payment_intent.payment_failed',
  'payment_intent.processing',
  'payment_intent.requires_action',
  'payment_intent.succeeded',
  'payment_method.attached',
  'payment_method.detached',
  'payout.canceled',
  'payout.created',
  'payout.failed',
  'payout.paid',
  'price.created',
  'price.deleted',
  'price.updated',
  'product.created',
  'product.deleted',
  'product.updated',
  'refund.created',
  'refund.failed',
  'refund.updated',
  'setup_intent.canceled',
  'setup_intent.created',
  'setup_intent.requires_action',
  'setup_intent.setup_failed',
  'setup_intent.succeeded',
  'shipping_rate.created',
  'shipping_rate.updated',
  // The recurring-billing guide's name for customer.subscription.updated (fluveo-api.md §4.2).
  'subscription.updated',
  'webhook_endpoint.created',
  'webhook_endpoint.deleted',
  'webhook_endpoint.updated',
] as const;

export type KnownEventType = (typeof KNOWN_EVENT_TYPES)[number];

/** Subscribes an endpoint to every type, present and future. */
export const ALL_EVENTS = '*';

const KNOWN = new Set<string>(KNOWN_EVENT_TYPES);

export function isKnownEventType(type: string): type is KnownEventType {
  return KNOWN.has(type);
}

/** The kind of object an event type carries: its name without the last segment (`checkout.session.completed` → `checkout.session`). */
export function objectOfEventType(type: string): string {
  return type.slice(0, type.lastIndexOf('.'));
}

/** The event types whose `data.object` is of this kind (empty for a kind no event carries). */
export function eventTypesOfObject(object: string): string[] {
  return KNOWN_EVENT_TYPES.filter((t) => objectOfEventType(t) === object);
}

/** True when an endpoint with these `enabled_events` wants events of `type`. */
export function subscribesTo(enabledEvents: readonly string[], type: string): boolean {
  return enabledEvents.includes(ALL_EVENTS) || enabledEvents.includes(type);
}
