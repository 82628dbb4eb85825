import type { Config } from '../config.js';
import type { Scope, } from '../db/objects.js';
import type { Db, Store } from '../db/store.js';
import type { Clock } from '../lib/clock.js';
import type { ResolveHost } from '../lib/net-policy.js';
import type { OutboundTransport } from '../lib/outbound-http.js';
import type { Logger } from 'pino';

/** What the domain needs from the outside world: storage, time, configuration, logs. */
export interface Deps {
  store: Store;
  clock: Clock;
  config: Config;
  logger: Logger;
  /** Outbound webhook POSTs; default node http (no redirects, bounded body). Tests may inject their own. */
  webhookTransport?: OutboundTransport;
  /** Hostname resolution for the webhook SSRF checks; default the system resolver. Tests inject their own. */
  resolveHost?: ResolveHost;
}

export interface Merchant {
  id: string;
  name: string;
  default_api_version: string;
  test_clock_offset_s: number;
  created: number;
}

/** Who is acting, in which mode, at what time (the merchant's clock), rendering which API version. */
export interface Actor {
  merchant: Merchant;
  scope: Scope;
  apiVersion: string;
  /** Unix seconds on the merchant's clock for this mode (test mode follows the merchant's test clock). */
  now: number;
}

/** A domain operation runs against a database handle: the request's transaction for writes. */
export interface OpContext {
  deps: Deps;
  actor: Actor;
  db: Db;
}

export function merchantNow(clock: Clock, merchant: Pick<Merchant, 'test_clock_offset_s'>, livemode: boolean): number {
  return Math.floor(clock.nowMs() / 1000) + (livemode ? 0 : merchant.test_clock_offset_s);
}

/**
 * The actor of a request that carries no API key (a checkout link's visit, the PIX PSP's report), acting for the
 * merchant of a row read with the merchant's columns, in that row's mode, at the merchant's time.
 */
export function merchantActor(clock: Clock, row: Merchant, livemode: boolean): Actor {
  const merchant: Merchant = {
    id: row.id,
    name: row.name,
    default_api_version: row.default_api_version,
    test_clock_offset_s: row.test_clock_offset_s,
    created: row.created,
  };
  return { merchant, scope: { merchantId: merchant.id, livemode }, apiVersion: merchant.default_api_version, now: merchantNow(clock, merchant, livemode) };
}
