import { assetUrl } from '../assets.js';
import { html, type SafeHtml } from '../html.js';

export interface LayoutOptions {
  title: string;
  body: SafeHtml;
  testMode: boolean;
  /** The page has the payment form (its test-mode banner then points to the test cards). */
  paymentForm?: boolean;
  /** Embedded in a merchant's page: no chrome, events for the parent. */
  embedded?: { parentOrigin: string; sessionId: string; event?: Record<string, unknown> | undefined } | undefined;
}

/** The document around every checkout page: one stylesheet, one deferred script, nothing from elsewhere. */
export function layout(o: LayoutOptions): SafeHtml {
  const e = o.embedded;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<meta name="robots" content="noindex, nofollow">
<link rel="icon" href="data:,">
<title>${o.title}</title>
<link rel="stylesheet" href="${assetUrl('checkout.css')}">
<script src="${assetUrl('checkout.js')}" defer></script>
</head>
<body class="${e ? 'embedded' : 'hosted'}"${e ? html` data-parent-origin="${e.parentOrigin}" data-session="${e.sessionId}"` : ''}${e?.event ? html` data-checkout-event="${JSON.stringify(e.event)}"` : ''}>
${o.testMode ? testBanner(o.paymentForm === true) : ''}
${o.body}
<p class="footer">Payments by Railyard</p>
</body>
</html>
`;
}

function testBanner(paymentForm: boolean): SafeHtml {
  return html`<div class="test-banner" role="note"><strong>Test mode</strong> — this is a test checkout: no real payment will be made.${paymentForm ? ' Use a test card below.' : ''}</div>`;
}
