import type { Ack, Journal } from './journal.js';

/**
 * The money workload of the crash and cluster scripts, and the model of what it must have left behind. Each flow
 * is a short sequence of POSTs through the journal (each waits for the previous one's acknowledgement, replayed as
 * often as needed); from the acknowledged answers the model records the objects that must exist, the amounts
 * captured and refunded, and the events each object must have — exactly once each.
 */

export interface MerchantRef {
  name: string;
  id: string;
  sk: string;
  pk: string;
  /**
   * The merchant's webhook endpoints (subscribed to `*`), in creation order, by their receiver name. An endpoint
   * must receive every event of its merchant except the creation events of the endpoints made before it (those may
   * have been fanned out before it existed).
   */
  hooks: { name: string; endpointId: string }[];
}

export type IntentKind =
  'auto' | 'manual' | 'declined' | 'session-complete' | 'session-expired-call' | 'session-expired-auto';

export interface IntentModel {
  id: string;
  merchant: string;
  kind: IntentKind;
  amount: number;
  /** What the charge must show as captured (0 without a captured charge). */
  captured: number;
  refunds: { id: string; amount: number }[];
  /** Charges this intent must have (0 or 1 in this workload). */
  charges: number;
  /** Events the intent's charge must have, by type. */
  chargeEvents: Map<string, number>;
  /** The intent's final status. */
  status: string;
  cancellationReason?: string;
}

export interface SessionModel {
  id: string;
  merchant: string;
  paymentIntent: string;
  status: 'open' | 'complete' | 'expired';
  via?: 'call' | 'automatic';
}

/** Where a flow's answer was not what the workload expects (a final answer other than the one it needs). */
export class UnexpectedAnswer extends Error {}

export class Model {
  readonly customers = new Map<string, string>();
  readonly intents = new Map<string, IntentModel>();
  readonly sessions = new Map<string, SessionModel>();
  /** object id → event type → expected count. */
  readonly events = new Map<string, Map<string, number>>();
  /** merchant id → other objects by table (catalog, webhook endpoints). */
  readonly extraObjects = new Map<string, Map<string, Set<string>>>();
  /** merchant id → seconds its test clock was advanced by acknowledged calls. */
  readonly clockAdvance = new Map<string, number>();
  readonly flows = new Map<string, number>();

  expectEvent(objectId: string, type: string, n = 1): void {
    let m = this.events.get(objectId);
    if (!m) this.events.set(objectId, (m = new Map()));
    m.set(type, (m.get(type) ?? 0) + n);
  }

  addExtra(merchant: string, table: string, id: string): void {
    let m = this.extraObjects.get(merchant);
    if (!m) this.extraObjects.set(merchant, (m = new Map()));
    let s = m.get(table);
    if (!s) m.set(table, (s = new Set()));
    s.add(id);
  }

  countFlow(name: string): void {
    this.flows.set(name, (this.flows.get(name) ?? 0) + 1);
  }

  /** Events the model expects for a merchant, in total. */
  expectedEventTotal(merchantIds: Set<string>, objectMerchant: (id: string) => string | undefined): number {
    let n = 0;
    for (const [id, types] of this.events) {
      const m = objectMerchant(id);
      if (m && merchantIds.has(m)) for (const c of types.values()) n += c;
    }
    for (const intent of this.intents.values()) {
      if (merchantIds.has(intent.merchant)) for (const c of intent.chargeEvents.values()) n += c;
    }
    return n;
  }
}

function need(ack: Ack, status: number, what: string): Ack {
  if (ack.status !== status)
    throw new UnexpectedAnswer(`${what}: expected ${status}, got ${ack.status} ${ack.text.slice(0, 300)}`);
  return ack;
}

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)] as T;
const between = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo + 1));

export class Workload {
  constructor(
    private readonly journal: Journal,
    readonly model: Model,
    private readonly merchant: MerchantRef,
    private readonly catalog: { price: string; unitAmount: number },
  ) {}

  /**
   * The merchant's webhook endpoints for `*` (one per hook name, created first, in order; each is recorded on
   * `merchant.hooks`) and its catalog. Returns the endpoints' signing secrets by hook name and the price to sell.
   */
  static async setUp(
    journal: Journal,
    model: Model,
    merchant: MerchantRef,
    hooks: { name: string; url: string }[],
  ): Promise<{ secrets: Map<string, string>; price: string; unitAmount: number }> {
    const secrets = new Map<string, string>();
    for (const hook of hooks) {
      const endpoint = need(
        await journal.post('webhook_endpoint.create', merchant.sk, '/v1/webhook_endpoints', {
          url: hook.url,
          enabled_events: ['*'],
        }),
        200,
        'endpoint',
      );
      model.addExtra(merchant.id, 'webhook_endpoints', endpoint.body.id);
      model.expectEvent(endpoint.body.id, 'webhook_endpoint.created');
      merchant.hooks.push({ name: hook.name, endpointId: endpoint.body.id });
      secrets.set(hook.name, endpoint.body.secret as string);
    }
    const product = need(
      await journal.post('product.create', merchant.sk, '/v1/products', { name: 'Crate' }),
      200,
      'product',
    );
    model.addExtra(merchant.id, 'products', product.body.id);
    model.expectEvent(product.body.id, 'product.created');
    const unitAmount = 1_500;
    const price = need(
      await journal.post('price.create', merchant.sk, '/v1/prices', {
        product: product.body.id,
        currency: 'usd',
        unit_amount: unitAmount,
      }),
      200,
      'price',
    );
    model.addExtra(merchant.id, 'prices', price.body.id);
    model.expectEvent(price.body.id, 'price.created');
    return { secrets, price: price.body.id as string, unitAmount };
  }

  /** One random flow. */
  async runOne(): Promise<void> {
    const r = Math.random();
    if (r < 0.2) return this.customer();
    if (r < 0.45) return this.autoPayment();
    if (r < 0.62) return this.manualPayment();
    if (r < 0.67) return this.declined();
    if (r < 0.82) return this.sessionExpiredByCall();
    return this.sessionCompleted();
  }

  async customer(): Promise<void> {
    const n = between(1, 1e9);
    const ack = need(
      await this.journal.post('customer.create', this.merchant.sk, '/v1/customers', {
        name: `Buyer ${n}`,
        email: `buyer${n}@example.com`,
        metadata: { flow: 'crash' },
      }),
      200,
      'customer',
    );
    this.model.customers.set(ack.body.id, this.merchant.id);
    this.model.expectEvent(ack.body.id, 'customer.created');
    this.model.countFlow('customer');
  }

  private newIntent(id: string, kind: IntentKind, amount: number): IntentModel {
    const intent: IntentModel = {
      id,
      merchant: this.merchant.id,
      kind,
      amount,
      captured: 0,
      refunds: [],
      charges: 0,
      chargeEvents: new Map(),
      status: 'requires_payment_method',
    };
    this.model.intents.set(id, intent);
    this.model.expectEvent(id, 'payment_intent.created');
    return intent;
  }

  private chargeEvent(intent: IntentModel, type: string): void {
    intent.chargeEvents.set(type, (intent.chargeEvents.get(type) ?? 0) + 1);
  }

  /** Create + confirm (automatic capture), then 0–2 partial refunds through both refund endpoints. */
  async autoPayment(): Promise<void> {
    const amount = between(500, 50_000);
    const ack = need(
      await this.journal.post('payment_intent.create+confirm', this.merchant.sk, '/v1/payment_intents', {
        amount,
        currency: 'usd',
        payment_method: 'pm_card_visa',
        confirm: true,
      }),
      200,
      'auto payment',
    );
    const intent = this.newIntent(ack.body.id, 'auto', amount);
    intent.status = 'succeeded';
    intent.captured = amount;
    intent.charges = 1;
    this.chargeEvent(intent, 'charge.succeeded');
    this.model.expectEvent(intent.id, 'payment_intent.succeeded');
    await this.partialRefunds(intent);
    this.model.countFlow('payment (automatic capture)');
  }

  /** Create → confirm → partial capture → 0–2 partial refunds. */
  async manualPayment(): Promise<void> {
    const amount = between(1_000, 50_000);
    const created = need(
      await this.journal.post('payment_intent.create', this.merchant.sk, '/v1/payment_intents', {
        amount,
        currency: 'usd',
        payment_method: 'pm_card_visa',
        capture_method: 'manual',
      }),
      200,
      'manual create',
    );
    const intent = this.newIntent(created.body.id, 'manual', amount);
    intent.status = 'requires_confirmation';
    need(
      await this.journal.post(
        'payment_intent.confirm',
        this.merchant.sk,
        `/v1/payment_intents/${intent.id}/confirm`,
        {},
      ),
      200,
      'confirm',
    );
    intent.status = 'requires_capture';
    intent.charges = 1;
    this.chargeEvent(intent, 'charge.succeeded');
    this.model.expectEvent(intent.id, 'payment_intent.amount_capturable_updated');
    const toCapture = Math.random() < 0.3 ? amount : between(Math.ceil(amount / 2), amount);
    const captured = need(
      await this.journal.post('payment_intent.capture', this.merchant.sk, `/v1/payment_intents/${intent.id}/capture`, {
        amount_to_capture: toCapture,
      }),
      200,
      'capture',
    );
    if (captured.body.amount_received !== toCapture)
      throw new UnexpectedAnswer(
        `capture answered amount_received ${String(captured.body.amount_received)}, expected ${toCapture}`,
      );
    intent.status = 'succeeded';
    intent.captured = toCapture;
    this.chargeEvent(intent, 'charge.captured');
    this.model.expectEvent(intent.id, 'payment_intent.succeeded');
    await this.partialRefunds(intent);
    this.model.countFlow('payment (manual capture)');
  }

  private async partialRefunds(intent: IntentModel): Promise<void> {
    const count = pick([0, 1, 1, 2]);
    for (let i = 0; i < count; i++) {
      const remaining = intent.captured - intent.refunds.reduce((s, r) => s + r.amount, 0);
      const amount = Math.max(1, Math.floor(remaining * (i === 0 ? 0.4 : 0.3)));
      if (amount >= remaining) break;
      const viaIntent = Math.random() < 0.5;
      const ack = viaIntent
        ? await this.journal.post(
            'refund.create (intent path)',
            this.merchant.sk,
            `/v1/payment_intents/${intent.id}/refund`,
            { amount, reason: 'requested_by_customer' },
          )
        : await this.journal.post('refund.create', this.merchant.sk, '/v1/refunds', {
            payment_intent: intent.id,
            amount,
          });
      need(ack, 200, 'refund');
      if (ack.body.amount !== amount || ack.body.status !== 'succeeded')
        throw new UnexpectedAnswer(`refund answered ${ack.text.slice(0, 200)}`);
      intent.refunds.push({ id: ack.body.id, amount });
      this.model.expectEvent(ack.body.id, 'refund.created');
      this.chargeEvent(intent, 'charge.refunded');
    }
  }

  /** Create + confirm with a declining card: a stored 402. */
  async declined(): Promise<void> {
    const amount = between(500, 9_000);
    const ack = need(
      await this.journal.post('payment_intent.create+confirm (decline)', this.merchant.sk, '/v1/payment_intents', {
        amount,
        currency: 'usd',
        payment_method: 'pm_card_declined',
        confirm: true,
      }),
      402,
      'declined payment',
    );
    const pi = ack.body?.error?.payment_intent as { id?: string } | undefined;
    if (!pi?.id) throw new UnexpectedAnswer(`a decline without payment_intent: ${ack.text.slice(0, 200)}`);
    const intent = this.newIntent(pi.id, 'declined', amount);
    intent.status = 'requires_payment_method';
    intent.charges = 1;
    this.chargeEvent(intent, 'charge.failed');
    this.model.expectEvent(intent.id, 'payment_intent.payment_failed');
    this.model.countFlow('payment declined (402)');
  }

  private async createSession(
    extra: Record<string, unknown> = {},
  ): Promise<{ id: string; clientSecret: string; pi: IntentModel; session: SessionModel }> {
    const quantity = between(1, 3);
    const merchant = this.merchant;
    const ack = need(
      await this.journal.post('checkout.session.create', merchant.sk, '/v1/checkout/sessions', {
        ui_mode: 'embedded',
        line_items: [{ price: this.catalog.price, quantity }],
        ...extra,
      }),
      200,
      'session create',
    );
    const id = ack.body.id as string;
    const session: SessionModel = { id, merchant: merchant.id, paymentIntent: ack.body.payment_intent, status: 'open' };
    this.model.sessions.set(id, session);
    const pi = this.newIntent(session.paymentIntent, 'session-expired-call', quantity * this.catalog.unitAmount);
    pi.merchant = merchant.id;
    return { id, clientSecret: ack.body.client_secret as string, pi, session };
  }

  async sessionExpiredByCall(): Promise<void> {
    const { id, pi, session } = await this.createSession();
    need(
      await this.journal.post('checkout.session.expire', this.merchant.sk, `/v1/checkout/sessions/${id}/expire`, {}),
      200,
      'expire',
    );
    session.status = 'expired';
    session.via = 'call';
    pi.kind = 'session-expired-call';
    pi.status = 'canceled';
    pi.cancellationReason = 'abandoned';
    this.model.expectEvent(pi.id, 'payment_intent.canceled');
    this.model.expectEvent(id, 'checkout.session.expired');
    this.model.countFlow('checkout session expired by call');
  }

  async sessionCompleted(): Promise<void> {
    const { id, clientSecret, pi, session } = await this.createSession();
    const ack = need(
      await this.journal.post(
        'checkout.session.client.confirm',
        this.merchant.pk,
        `/v1/checkout/sessions/${id}/client/confirm`,
        {
          client_secret: clientSecret,
          email: 'buyer@example.com',
          payment_method: 'pm_card_visa',
        },
      ),
      200,
      'client confirm',
    );
    if (ack.body.status !== 'complete')
      throw new UnexpectedAnswer(`client confirm left the session ${String(ack.body.status)}`);
    session.status = 'complete';
    pi.kind = 'session-complete';
    pi.status = 'succeeded';
    pi.captured = pi.amount;
    pi.charges = 1;
    this.chargeEvent(pi, 'charge.succeeded');
    this.model.expectEvent(pi.id, 'payment_intent.succeeded');
    this.model.expectEvent(id, 'checkout.session.completed');
    this.model.countFlow('checkout session completed (client confirm)');
  }

  /**
   * Automatic expiry (run it on a merchant of its own: its test clock is advanced, which must not age the other
   * merchant's idempotency keys): `count` sessions due 1,900 s ahead on its clock (the minimum is 30 minutes), then the clock moves 1,901 s.
   * Returns the clock's new `now`.
   */
  async expiryRound(now: number, count: number): Promise<number> {
    for (let i = 0; i < count; i++) {
      const { id, pi, session } = await this.createSession({ expires_at: now + 1900 });
      session.via = 'automatic';
      pi.kind = 'session-expired-auto';
      pi.status = 'canceled';
      pi.cancellationReason = 'expired';
      this.model.expectEvent(pi.id, 'payment_intent.canceled');
      this.model.expectEvent(id, 'checkout.session.expired');
      session.status = 'expired';
      this.model.countFlow('checkout session expired by the job');
    }
    const merchant = this.merchant;
    const ack = need(
      await this.journal.post('test_helpers.advance_clock', merchant.sk, '/v1/test_helpers/advance_clock', {
        seconds: 1901,
      }),
      200,
      'advance clock',
    );
    this.model.clockAdvance.set(merchant.id, (this.model.clockAdvance.get(merchant.id) ?? 0) + 1901);
    return ack.body.now as number;
  }
}
