import { newId } from '../../lib/ids.js';

/** Id prefixes of the objects events carry, for synthetic test events. */
const ID_PREFIX: Record<string, string> = {
  api_key: 'key',
  charge: 'ch',
  'checkout.session': 'cs',
  checkout_link: 'cl',
  collection: 'col',
  customer: 'cus',
  dispute: 'dp',
  fulfillment: 'ful',
  inventory_item: 'iitem',
  inventory_level: 'ilvl',
  invoice: 'in',
  mandate: 'mandate',
  order: 'ord',
  payment_intent: 'pi',
  payment_method: 'pm',
  payout: 'po',
  price: 'price',
  product: 'prod',
  refund: 'ref',
  setup_intent: 'seti',
  shipping_rate: 'shr',
  subscription: 'sub',
  webhook_endpoint: 'we',
};

/** `customer.subscription.updated` → `subscription`; `checkout.session.completed` → `checkout.session`. */
export function objectNameOf(type: string): string {
  const name = type.slice(0, type.lastIndexOf('.'));
  if (name === 'customer.subscription') return 'subscription';
  if (name === 'charge.dispute') return 'dispute';
  return name;
}

/** A plausible, clearly synthetic object for a test event of `type` (ids carry `_test_`). */
export function sampleObject(type: string, now: number, livemode: boolean): Record<string, unknown> {
  const object = objectNameOf(type);
  const base: Record<string, unknown> = {
    id: newId(`${ID_PREFIX[object] ?? 'obj'}_test`),
    object,
    created: now,
    livemode,
    metadata: {},
  };
  const verb = type.slice(type.lastIndexOf('.') + 1);
  switch (object) {
    case 'payment_intent':
      return {
        ...base,
        amount: 2000,
        amount_received: verb === 'succeeded' ? 2000 : 0,
        currency: 'usd',
        status: ({ succeeded: 'succeeded', canceled: 'canceled', processing: 'processing', requires_action: 'requires_action', payment_failed: 'requires_payment_method', amount_capturable_updated: 'requires_capture' } as Record<string, string>)[verb] ?? 'requires_payment_method',
      };
    case 'charge':
      return { ...base, amount: 2000, amount_refunded: verb === 'refunded' ? 2000 : 0, currency: 'usd', paid: verb !== 'failed', refunded: verb === 'refunded', status: verb === 'failed' ? 'failed' : 'succeeded' };
    case 'customer':
      return { ...base, email: 'test.customer@example.com', name: 'Test Customer' };
    case 'checkout.session':
      return { ...base, amount_total: 2000, currency: 'usd', mode: 'payment', status: verb === 'expired' ? 'expired' : 'complete', payment_status: verb === 'expired' ? 'unpaid' : 'paid' };
    case 'payout':
      return { ...base, amount: 10000, currency: 'usd', status: ({ paid: 'paid', failed: 'failed', canceled: 'canceled' } as Record<string, string>)[verb] ?? 'pending' };
    case 'refund':
      return { ...base, amount: 2000, currency: 'usd', status: verb === 'failed' ? 'failed' : 'succeeded' };
    case 'order':
      return { ...base, currency: 'usd', amount_total: 2000, status: verb === 'canceled' ? 'canceled' : verb === 'completed' ? 'completed' : 'open', payment_status: verb === 'paid' || verb === 'completed' ? 'paid' : 'unpaid' };
    default:
      return base;
  }
}
