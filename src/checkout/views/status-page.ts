import { formatAmount, formatTime } from '../format.js';
import { html, type SafeHtml } from '../html.js';

export interface StatusPageModel {
  kind: 'complete' | 'expired' | 'not_found' | 'error' | 'refused';
  heading: string;
  /** Plain sentences under the heading. */
  lines: string[];
  /** A merchant's own words (a checkout link's confirmation message), shown as written, escaped. */
  message?: string | null | undefined;
  link?: { href: string; text: string } | null | undefined;
}

const ICONS: Record<StatusPageModel['kind'], string> = {
  complete: '✓',
  expired: '×',
  not_found: '?',
  error: '!',
  refused: '!',
};

/** A page that states where things stand — never a payment form. */
export function statusPage(m: StatusPageModel): SafeHtml {
  return html`<main class="status-page">
<section class="panel" aria-labelledby="status-title">
<div class="status-icon status-${m.kind}" aria-hidden="true">${ICONS[m.kind]}</div>
<h1 id="status-title">${m.heading}</h1>
${m.lines.map((l) => html`<p>${l}</p>\n`)}${m.message ? html`<p class="message" id="confirmation-message">${m.message}</p>` : ''}
${m.link ? html`<p><a href="${m.link.href}">${m.link.text}</a></p>` : ''}
</section>
</main>`;
}

export interface SessionFacts {
  merchantName: string;
  amountTotal: number;
  currency: string;
  /** When the session expired at its `expires_at`; null when it was expired before (by the merchant). */
  expiredAt: number | null;
}

export function completePage(f: SessionFacts, options: { message?: string | null; link?: { href: string; text: string } | null } = {}): StatusPageModel {
  return {
    kind: 'complete',
    heading: 'Payment complete',
    lines: [
      f.amountTotal > 0
        ? `Thank you. Your payment of ${formatAmount(f.amountTotal, f.currency)} to ${f.merchantName} has been received.`
        : `Thank you. Your order with ${f.merchantName} is confirmed; nothing was charged.`,
      'This checkout is closed: it cannot be paid again.',
    ],
    message: options.message ?? null,
    link: options.link ?? null,
  };
}

export function expiredPage(f: SessionFacts, returnLink: string | null): StatusPageModel {
  return {
    kind: 'expired',
    heading: 'This checkout has expired',
    lines: [
      f.expiredAt === null
        ? `This payment page for ${f.merchantName} has expired. You have not been charged.`
        : `This payment page for ${f.merchantName} expired on ${formatTime(f.expiredAt)}. You have not been charged.`,
      `To buy, return to ${f.merchantName} and start a new checkout.`,
    ],
    link: returnLink ? { href: returnLink, text: `Return to ${f.merchantName}` } : null,
  };
}

export function notFoundPage(): StatusPageModel {
  return {
    kind: 'not_found',
    heading: 'Checkout not found',
    lines: ['This payment page does not exist. Check the link you were given, or ask the seller for a new one.'],
  };
}
