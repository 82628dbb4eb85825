import { randomBase62 } from '../../lib/ids.js';
import { detectBrand } from './card-number.js';
import type {
  AuthorizationDecision,
  AuthorizationRequest,
  CardBrand,
  CardFacts,
  CardFunding,
  DeclineCode,
  PaymentProcessor,
  RawCard,
  RefundDecision,
  Tokenized,
  VerificationDecision,
} from './processor.js';

/**
 * The built-in test processor: outcomes are decided by the card, never by chance, so a test suite can rely on
 * them. Cards are known by number (the usual public test numbers); any other valid number is approved.
 *
 * Scenarios travel inside the token (`test_<scenario>`) and the authorization reference, never the number.
 */
type Scenario =
  | { kind: 'approve' }
  | { kind: 'decline'; code: DeclineCode }
  /** Asks for 3-D Secure; once authenticated, approves (or declines with `then`). */
  | { kind: 'authenticate'; then?: DeclineCode }
  /** Approves payments; refunds of them fail. */
  | { kind: 'refund_fails' };

interface TestCard {
  scenario: Scenario;
  brand?: CardBrand;
  funding?: CardFunding;
  country?: string;
}

/**
 * Test card numbers and what they do. `4000000000000200` is Railyard's own number for `do_not_honor` (the common
 * public test-number sets have none).
 */
export const TEST_CARDS: Readonly<Record<string, TestCard>> = {
  '4242424242424242': { scenario: { kind: 'approve' } },
  '4000056655665556': { scenario: { kind: 'approve' }, funding: 'debit' },
  '5555555555554444': { scenario: { kind: 'approve' } },
  '2223003122003222': { scenario: { kind: 'approve' } },
  '5200828282828210': { scenario: { kind: 'approve' }, funding: 'debit' },
  '378282246310005': { scenario: { kind: 'approve' } },
  '6011111111111117': { scenario: { kind: 'approve' } },
  '3056930009020004': { scenario: { kind: 'approve' } },
  '3566002020360505': { scenario: { kind: 'approve' }, country: 'JP' },
  '6200000000000005': { scenario: { kind: 'approve' }, country: 'CN' },
  '4000000000000002': { scenario: { kind: 'decline', code: 'generic_decline' } },
  '4000000000009995': { scenario: { kind: 'decline', code: 'insufficient_funds' } },
  '4000000000009987': { scenario: { kind: 'decline', code: 'lost_card' } },
  '4000000000009979': { scenario: { kind: 'decline', code: 'stolen_card' } },
  '4000000000000069': { scenario: { kind: 'decline', code: 'expired_card' } },
  '4000000000000127': { scenario: { kind: 'decline', code: 'incorrect_cvc' } },
  '4000000000000119': { scenario: { kind: 'decline', code: 'processing_error' } },
  '4000000000000200': { scenario: { kind: 'decline', code: 'do_not_honor' } },
  '4000002760003184': { scenario: { kind: 'authenticate' } },
  '4000000000003220': { scenario: { kind: 'authenticate' } },
  '4000008260003178': { scenario: { kind: 'authenticate', then: 'insufficient_funds' } },
  '4000000000005126': { scenario: { kind: 'refund_fails' } },
};

/** Expiry of the canonical test cards behind the `pm_card_*` ids. */
export const TEST_CARD_EXPIRY = { exp_month: 12, exp_year: 2034 } as const;

/**
 * The test PaymentMethod ids usable in test mode by every merchant. The first five are the documented ones;
 * the rest cover the remaining decline codes and brands.
 */
export const TEST_PAYMENT_METHODS: Readonly<Record<string, string>> = {
  pm_card_visa: '4242424242424242',
  pm_card_declined: '4000000000000002',
  pm_card_insufficient_funds: '4000000000009995',
  pm_card_expired: '4000000000000069',
  pm_card_3ds_required: '4000002760003184',
  pm_card_visa_debit: '4000056655665556',
  pm_card_mastercard: '5555555555554444',
  pm_card_amex: '378282246310005',
  pm_card_lost_card: '4000000000009987',
  pm_card_stolen_card: '4000000000009979',
  pm_card_incorrect_cvc: '4000000000000127',
  pm_card_processing_error: '4000000000000119',
  pm_card_do_not_honor: '4000000000000200',
  pm_card_refund_fails: '4000000000005126',
};

function encode(s: Scenario): string {
  switch (s.kind) {
    case 'approve':
    case 'refund_fails':
      return s.kind;
    case 'decline':
      return `decline.${s.code}`;
    case 'authenticate':
      return s.then ? `authenticate.${s.then}` : 'authenticate';
  }
}

function decode(text: string): Scenario {
  const [kind, code] = text.split('.');
  if (kind === 'decline' && code) return { kind: 'decline', code: code as DeclineCode };
  if (kind === 'authenticate') return code ? { kind: 'authenticate', then: code as DeclineCode } : { kind: 'authenticate' };
  if (kind === 'refund_fails') return { kind: 'refund_fails' };
  return { kind: 'approve' };
}

const scenarioOfToken = (token: string): Scenario => decode(token.replace(/^test_/, ''));
/** References look like `testref:<scenario>:<random>`. */
const scenarioOfReference = (reference: string): Scenario => decode(reference.split(':')[1] ?? 'approve');
const newReference = (s: Scenario): string => `testref:${encode(s)}:${randomBase62(16)}`;

export function testCardFacts(number: string, exp_month: number, exp_year: number): CardFacts {
  const known = TEST_CARDS[number];
  return {
    brand: known?.brand ?? detectBrand(number),
    last4: number.slice(-4),
    exp_month,
    exp_year,
    funding: known?.funding ?? 'credit',
    country: known?.country ?? 'US',
  };
}

export const testProcessor: PaymentProcessor = {
  name: 'test',

  tokenize(card: RawCard): Promise<Tokenized> {
    const scenario = TEST_CARDS[card.number]?.scenario ?? { kind: 'approve' };
    return Promise.resolve({ token: `test_${encode(scenario)}`, card: testCardFacts(card.number, card.exp_month, card.exp_year) });
  },

  authorize(request: AuthorizationRequest): Promise<AuthorizationDecision> {
    const s = scenarioOfToken(request.token);
    let decision: AuthorizationDecision;
    if (s.kind === 'decline') decision = { outcome: 'declined', declineCode: s.code, reference: newReference(s) };
    else if (s.kind === 'authenticate' && !request.authenticated) decision = { outcome: 'requires_action' };
    else if (s.kind === 'authenticate' && s.then) decision = { outcome: 'declined', declineCode: s.then, reference: newReference(s) };
    else decision = { outcome: 'approved', reference: newReference(s) };
    return Promise.resolve(decision);
  },

  capture(): Promise<void> {
    return Promise.resolve();
  },

  release(): Promise<void> {
    return Promise.resolve();
  },

  refund(request): Promise<RefundDecision> {
    if (scenarioOfReference(request.reference).kind === 'refund_fails') {
      return Promise.resolve({ outcome: 'failed', reason: 'declined' });
    }
    return Promise.resolve({ outcome: 'succeeded', reference: `testrefund_${randomBase62(16)}` });
  },

  /** A zero-amount check: the card's balance does not matter, everything else does. */
  verify(request): Promise<VerificationDecision> {
    const s = scenarioOfToken(request.token);
    if (s.kind === 'decline' && s.code !== 'insufficient_funds') return Promise.resolve({ outcome: 'declined', declineCode: s.code });
    if (s.kind === 'authenticate' && !request.authenticated) return Promise.resolve({ outcome: 'requires_action' });
    return Promise.resolve({ outcome: 'approved' });
  },
};
