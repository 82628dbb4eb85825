import { AppError } from '../../lib/errors.js';
import { checkTarget, systemResolveHost, targetPolicy, TargetRefused, type ResolvedAddress } from '../../lib/net-policy.js';
import type { Deps } from '../context.js';

/** The policy for a mode, from WEBHOOK_ALLOW_PRIVATE (see targetPolicy). */
export function webhookPolicy(deps: Deps, livemode: boolean) {
  return targetPolicy(deps.config.webhookAllowPrivate, livemode);
}

/**
 * Refuses, at create and update, a URL whose host is (or resolves to) an address the mode may not target:
 * 400 parameter_invalid naming `url`. A host that does not resolve yet is accepted — every delivery checks again.
 */
export async function ensureTargetAllowed(deps: Deps, url: string, livemode: boolean): Promise<void> {
  try {
    await checkTarget(new URL(url), webhookPolicy(deps, livemode), deps.resolveHost ?? systemResolveHost);
  } catch (err) {
    if (err instanceof TargetRefused) {
      if (err.kind === 'unresolvable') return;
      throw new AppError('parameter_invalid', `Invalid url: ${err.message}`, { param: 'url' });
    }
    throw err;
  }
}

/** At delivery: the addresses to connect to, or TargetRefused (recorded as a failed attempt). */
export function resolveDeliveryTarget(deps: Deps, url: string, livemode: boolean): Promise<ResolvedAddress[]> {
  return checkTarget(new URL(url), webhookPolicy(deps, livemode), deps.resolveHost ?? systemResolveHost);
}
