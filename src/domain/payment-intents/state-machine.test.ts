import { describe, expect, it } from 'vitest';
import {
  allowedFrom,
  canTransition,
  nextStatus,
  PAYMENT_INTENT_STATUSES,
  PAYMENT_INTENT_TRANSITIONS,
  type PaymentIntentStatus,
  type PaymentIntentTrigger,
} from './state-machine.js';

const TRIGGERS = Object.keys(PAYMENT_INTENT_TRANSITIONS) as PaymentIntentTrigger[];

describe('the PaymentIntent state machine', () => {
  it('has the documented edges', () => {
    const edges = new Set<string>();
    for (const t of TRIGGERS) for (const from of allowedFrom(t)) edges.add(`${from} -> ${nextStatus(from, t)}`);
    for (const e of [
      'requires_payment_method -> requires_confirmation',
      'requires_confirmation -> succeeded',
      'requires_confirmation -> requires_capture',
      'requires_confirmation -> requires_action',
      'requires_confirmation -> requires_payment_method',
      'requires_confirmation -> processing',
      'requires_action -> succeeded',
      'requires_action -> requires_payment_method',
      'requires_action -> requires_confirmation',
      'processing -> succeeded',
      'processing -> requires_capture',
      'processing -> requires_payment_method',
      'requires_capture -> succeeded',
      'requires_capture -> canceled',
      'requires_action -> canceled',
    ]) {
      expect(edges).toContain(e);
    }
  });

  it('keeps succeeded and canceled terminal: only annotations (and refunds of succeeded) apply', () => {
    for (const t of TRIGGERS) {
      if (t !== 'update_annotations' && t !== 'refund') expect(canTransition('canceled', t), t).toBe(false);
      if (t !== 'update_annotations' && t !== 'refund') expect(canTransition('succeeded', t), t).toBe(false);
    }
    expect(nextStatus('succeeded', 'refund')).toBe('succeeded');
    expect(canTransition('canceled', 'refund')).toBe(false);
  });

  it('cannot cancel a processing or finished intent', () => {
    expect(allowedFrom('cancel').sort()).toEqual(['requires_action', 'requires_capture', 'requires_confirmation', 'requires_payment_method']);
  });

  it('answers every illegal pair with payment_intent_unexpected_state naming the status and the allowed ones', () => {
    let illegal = 0;
    for (const status of PAYMENT_INTENT_STATUSES) {
      for (const t of TRIGGERS) {
        if (canTransition(status, t)) {
          expect(PAYMENT_INTENT_STATUSES).toContain(nextStatus(status, t));
          continue;
        }
        illegal++;
        let thrown: unknown;
        try {
          nextStatus(status, t);
        } catch (err) {
          thrown = err;
        }
        expect(thrown).toMatchObject({ code: 'payment_intent_unexpected_state', status: 400 });
        const message = (thrown as Error).message;
        expect(message).toContain(`because it has a status of ${status}.`);
        for (const allowed of allowedFrom(t)) expect(message).toContain(allowed);
      }
    }
    expect(illegal).toBeGreaterThan(80);
  });

  it('reaches every status from the start', () => {
    const seen = new Set<PaymentIntentStatus>(['requires_payment_method', 'requires_confirmation']);
    let grew = true;
    while (grew) {
      grew = false;
      for (const from of [...seen]) {
        for (const t of TRIGGERS) {
          if (!canTransition(from, t)) continue;
          const to = nextStatus(from, t);
          if (!seen.has(to)) {
            seen.add(to);
            grew = true;
          }
        }
      }
    }
    expect([...seen].sort()).toEqual([...PAYMENT_INTENT_STATUSES].sort());
  });
});
