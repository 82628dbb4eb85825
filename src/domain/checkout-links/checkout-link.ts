import { insertObject, modeValue, updateObject } from '../../db/objects.js';
import { AppError } from '../../lib/errors.js';
import type { Metadata } from '../../lib/metadata.js';
import type { OpContext } from '../context.js';

export const CHECKOUT_LINKS_TABLE = 'checkout_links';
export const LINK_TITLE_MAX = 30;
export const LINK_DESCRIPTION_MAX = 500;
export const LINK_MAX_LINE_ITEMS = 20;

/**
 * What the buyer sees after paying: the chosen type and only its details — `{type: "hosted_confirmation"}` by
 * default (the Fluveo guide's example), `hosted_confirmation: {custom_message}` when there is a message,
 * `redirect: {url}` for a redirect.
 */
export interface AfterCompletion {
  type: 'redirect' | 'hosted_confirmation';
  redirect?: { url: string };
  hosted_confirmation?: { custom_message: string };
}

/** A link as stored, in today's shape: links stored before kept both details, null when unused. */
export function normalizeLink(link: CheckoutLink): CheckoutLink {
  const a = link.after_completion as { type: AfterCompletion['type']; redirect?: { url: string } | null; hosted_confirmation?: { custom_message: string | null } | null };
  const after: AfterCompletion = { type: a.type };
  if (a.redirect) after.redirect = a.redirect;
  if (a.hosted_confirmation?.custom_message) after.hosted_confirmation = { custom_message: a.hosted_confirmation.custom_message };
  return { ...link, after_completion: after };
}

export interface CheckoutLink {
  id: string;
  object: 'checkout_link';
  active: boolean;
  after_completion: AfterCompletion;
  allow_promotion_codes: boolean;
  billing_address_collection: 'auto' | 'required';
  created: number;
  currency: string;
  custom_fields: unknown[];
  custom_text: Record<string, unknown>;
  description: string | null;
  inactive_message: string | null;
  livemode: boolean;
  metadata: Metadata;
  mode: 'payment' | 'order';
  payment_method_types: string[];
  restrictions: { completed_sessions: { limit: number } } | null;
  submit_type: 'auto' | 'pay' | 'book' | 'donate';
  title: string;
  url: string;
}

/** What a link sells (never shown on the link object): prices and quantities, and the inline prices it made. */
export interface LinkItems {
  items: { price: string; quantity: number }[];
  ownPrices: string[];
}

export interface LinkRow {
  link: CheckoutLink;
  items: LinkItems;
  completedSessions: number;
}

export function linkUrl(publicUrl: string, id: string): string {
  return `${publicUrl}/cl/${id}`;
}

export function linkNotFound(id: string): AppError {
  return new AppError('resource_missing', `No such checkout_link: '${id}'`, { param: 'id' });
}

/** The caller's link with its hidden columns; `forUpdate` locks the row on PostgreSQL. */
export async function loadLinkRow(ctx: OpContext, id: string, options: { forUpdate?: boolean } = {}): Promise<LinkRow> {
  let q = ctx.db
    .selectFrom(CHECKOUT_LINKS_TABLE)
    .select(['data', 'line_items', 'completed_sessions'])
    .where('merchant_id', '=', ctx.actor.scope.merchantId)
    .where('livemode', '=', modeValue(ctx.actor.scope))
    .where('id', '=', id);
  if (options.forUpdate && ctx.deps.store.engine === 'postgres') q = q.forUpdate();
  const row: { data: string; line_items: string; completed_sessions: number } | undefined = await q.executeTakeFirst();
  if (!row) throw linkNotFound(id);
  return { link: normalizeLink(JSON.parse(row.data) as CheckoutLink), items: JSON.parse(row.line_items) as LinkItems, completedSessions: row.completed_sessions };
}

export async function insertLink(ctx: OpContext, link: CheckoutLink, items: LinkItems): Promise<void> {
  await insertObject(ctx.db, CHECKOUT_LINKS_TABLE, ctx.actor.scope, link, { active: link.active ? 1 : 0, line_items: JSON.stringify(items), completed_sessions: 0 });
}

export async function saveLink(ctx: OpContext, link: CheckoutLink, completedSessions?: number): Promise<void> {
  await updateObject(ctx.db, CHECKOUT_LINKS_TABLE, ctx.actor.scope, link, {
    active: link.active ? 1 : 0,
    ...(completedSessions !== undefined ? { completed_sessions: completedSessions } : {}),
  });
}

/** True when the link's completion limit has been reached. */
export function limitReached(link: CheckoutLink, completedSessions: number): boolean {
  const limit = link.restrictions?.completed_sessions.limit;
  return limit !== undefined && completedSessions >= limit;
}
