import { ALL_COUNTRIES, countryChoices, type CountryChoice } from '../countries.js';
import { formatAmount } from '../format.js';
import { attr, html, type SafeHtml } from '../html.js';
import { requiresName, type AddressValues, type FormValues, type PageErrors, type PageSession } from '../page-model.js';

/** The documented test payment methods offered as a choice on test-mode pages. */
export const OFFERED_TEST_METHODS: readonly { id: string; label: string }[] = [
  { id: 'pm_card_visa', label: 'Visa test card — succeeds' },
  { id: 'pm_card_declined', label: 'Declined (generic_decline)' },
  { id: 'pm_card_insufficient_funds', label: 'Declined (insufficient_funds)' },
  { id: 'pm_card_expired', label: 'Declined (expired_card)' },
  { id: 'pm_card_3ds_required', label: 'Requires 3-D Secure authentication' },
];

const TEST_CARD_TABLE: readonly [string, string][] = [
  ['4242 4242 4242 4242', 'Succeeds'],
  ['5555 5555 5555 4444', 'Succeeds (Mastercard)'],
  ['3782 822463 10005', 'Succeeds (American Express, 4-digit CVC)'],
  ['4000 0000 0000 0002', 'Declined: generic_decline'],
  ['4000 0000 0000 9995', 'Declined: insufficient_funds'],
  ['4000 0000 0000 0069', 'Declined: expired_card'],
  ['4000 0000 0000 0127', 'Declined: incorrect_cvc'],
  ['4000 0027 6000 3184', 'Asks for 3-D Secure, then succeeds'],
  ['4000 0082 6000 3178', 'Asks for 3-D Secure, then declined: insufficient_funds'],
];

export interface PaymentPageModel {
  merchantName: string;
  session: PageSession;
  values: FormValues;
  errors: PageErrors;
  /** Where the form posts. */
  action: string;
  /** Hidden fields: the per-render nonce (idempotency key), the CSRF token, and for embedded mode its credentials. */
  hidden: Record<string, string>;
  embedded: boolean;
}

/** The payment form. Every value that reached this function from a request or the database is escaped. */
export function paymentPage(m: PaymentPageModel): SafeHtml {
  const s = m.session;
  const selected = s.shippingOptions.find((o) => o.shippingRate === m.values.shippingRate) ?? s.shippingOptions.find((o) => o.shippingRate === s.selectedShippingRate);
  const total = selected?.total ?? s.amountTotal;
  const money = (n: number) => formatAmount(n, s.currency);
  return html`<main class="layout">
${summary(m.merchantName, s, selected?.amount ?? s.amountShipping, selected?.tax ?? s.amountTax, total)}
<section class="panel" aria-labelledby="pay-title">
<h2 id="pay-title">Payment details</h2>
${errorSummary(m.errors)}
<form id="checkout-form" method="post" action="${m.action}" autocomplete="on">
${Object.entries(m.hidden).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">\n`)}
${contactFields(m)}
${s.allowedCountries ? shippingFields(m, s.allowedCountries) : ''}
${s.shippingOptions.length > 0 ? shippingOptionFields(m) : ''}
${billingFields(m)}
${s.paymentRequired ? paymentFields(m) : ''}
<button type="submit" class="pay-button" id="pay-button"><span id="pay-label">${s.paymentRequired ? `Pay ${money(total)}` : 'Complete order'}</span></button>
</form>
${s.cancelUrl && !m.embedded ? html`<a class="cancel" href="${s.cancelUrl}">Cancel and return to ${m.merchantName}</a>` : ''}
${s.livemode ? '' : testCards()}
</section>
</main>`;
}

function summary(merchantName: string, s: PageSession, shipping: number, tax: number, total: number): SafeHtml {
  const money = (n: number) => formatAmount(n, s.currency);
  return html`<section class="summary" aria-labelledby="summary-title">
<p class="merchant">${merchantName}</p>
<h1 id="summary-title">Pay ${merchantName}</h1>
<p class="amount-due" id="amount-due">${money(total)}</p>
<h2 class="summary-heading">Order summary</h2>
<ul class="items">
${s.lines.map(
  (l) => html`<li><div><span class="item-name">${l.description}</span><br><span class="item-qty">Qty ${l.quantity}${l.unitAmount !== null && l.quantity > 1 ? html` × ${money(l.unitAmount)}` : ''}</span></div><span class="amount">${money(l.amountTotal)}</span></li>\n`,
)}</ul>
<dl class="totals">
<dt>Subtotal</dt><dd id="subtotal-amount">${money(s.amountSubtotal)}</dd>
${s.amountDiscount > 0 ? html`<dt>Discount</dt><dd>−${money(s.amountDiscount)}</dd>` : ''}
<dt>Shipping</dt><dd id="shipping-amount">${money(shipping)}</dd>
<dt>Tax</dt><dd id="tax-amount">${money(tax)}</dd>
<dt class="total">Total due</dt><dd class="total" id="total-amount">${money(total)}</dd>
</dl>
</section>`;
}

function errorSummary(e: PageErrors): SafeHtml | '' {
  const fieldMessages = Object.entries(e.fields);
  if (!e.summary && fieldMessages.length === 0) return '';
  return html`<div class="alert alert-error" role="alert" id="form-errors" tabindex="-1">
${e.summary ? html`<p id="form-error-message"><strong>${e.summary}</strong></p>` : html`<p><strong>Please check the details below.</strong></p>`}
${fieldMessages.length > 0 ? html`<ul>${fieldMessages.map(([id, msg]) => html`<li><a href="#${id}">${msg}</a></li>`)}</ul>` : ''}
</div>`;
}

interface InputSpec {
  id: string;
  name: string;
  label: string;
  value: string;
  autocomplete: string;
  type?: 'text' | 'email' | 'tel';
  required?: boolean;
  inputmode?: 'numeric' | 'email' | 'tel';
  maxlength?: number;
  placeholder?: string;
  readonly?: boolean;
  hint?: string;
  /** Not marked "(optional)" though not required in HTML: the server decides (a postal code, per country). */
  conditional?: boolean;
}

function input(m: PaymentPageModel, f: InputSpec): SafeHtml {
  const error = m.errors.fields[f.id];
  const describedBy = [f.hint ? `${f.id}-hint` : '', error ? `${f.id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="field">
<label for="${f.id}">${f.label}${f.required || f.conditional ? '' : html` <span class="optional">(optional)</span>`}</label>
<input type="${f.type ?? 'text'}" id="${f.id}" name="${f.name}" value="${f.value}" autocomplete="${f.autocomplete}" data-label="${f.label}"${
    f.inputmode ? html` inputmode="${f.inputmode}"` : ''
  }${f.maxlength ? html` maxlength="${f.maxlength}"` : ''}${f.placeholder ? html` placeholder="${f.placeholder}"` : ''}${
    describedBy ? html` aria-describedby="${describedBy}"` : ''
  }${error ? html` aria-invalid="true"` : ''} ${attr('required', f.required)} ${attr('readonly', f.readonly)}>
${f.hint ? html`<p class="hint" id="${f.id}-hint">${f.hint}</p>` : ''}${error ? html`<p class="field-error" id="${f.id}-error">${error}</p>` : ''}
</div>`;
}

function countrySelect(m: PaymentPageModel, id: string, name: string, autocomplete: string, choices: readonly CountryChoice[], value: string, required: boolean, optional = false): SafeHtml {
  const error = m.errors.fields[id];
  const chosen = value || (choices.length === 1 ? (choices[0]?.code ?? '') : '');
  return html`<div class="field">
<label for="${id}">Country or region${optional ? html` <span class="optional">(optional)</span>` : ''}</label>
<select id="${id}" name="${name}" autocomplete="${autocomplete}" data-label="Country"${error ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''} ${attr('required', required)}>
<option value=""${chosen === '' ? html` selected` : ''}>Select a country</option>
${choices.map((c) => html`<option value="${c.code}"${c.code === chosen ? html` selected` : ''}>${c.name}</option>\n`)}</select>
${error ? html`<p class="field-error" id="${id}-error">${error}</p>` : ''}
</div>`;
}

function contactFields(m: PaymentPageModel): SafeHtml {
  const s = m.session;
  return html`<fieldset>
<legend>Contact information</legend>
${input(m, {
  id: 'email',
  name: 'email',
  label: 'Email',
  type: 'email',
  value: m.values.email,
  autocomplete: 'email',
  required: true,
  inputmode: 'email',
  maxlength: 512,
  readonly: s.emailLocked,
  hint: 'Your receipt goes to this address.',
})}
${input(m, { id: 'name', name: 'name', label: 'Full name', value: m.values.name, autocomplete: 'name', required: requiresName(s), maxlength: 150 })}
${s.phoneNumberCollection ? input(m, { id: 'phone', name: 'phone', label: 'Phone number', type: 'tel', value: m.values.phone, autocomplete: 'tel', required: true, inputmode: 'tel', maxlength: 20 }) : ''}
</fieldset>`;
}

function addressFields(m: PaymentPageModel, prefix: 'shipping' | 'billing', v: AddressValues, countries: readonly CountryChoice[], full: boolean, required: boolean): SafeHtml {
  // Billing uses the plain autocomplete tokens; shipping adds the section hint so browsers fill the right address.
  const ac = (token: string) => (prefix === 'shipping' ? `shipping ${token}` : token);
  const name = (field: string) => `${prefix}_address[${field}]`;
  // Short form (`billing_address_collection: auto`): country and postal code, both optional.
  const country = countrySelect(m, `${prefix}-country`, name('country'), ac('country'), countries, v.country, full && required, !full);
  const postal = input(m, { id: `${prefix}-postal-code`, name: name('postal_code'), label: 'Postal code', value: v.postal_code, autocomplete: ac('postal-code'), maxlength: 20, conditional: full });
  if (!full) {
    return html`${country}${postal}`;
  }
  return html`${country}
${input(m, { id: `${prefix}-line1`, name: name('line1'), label: 'Address line 1', value: v.line1, autocomplete: ac('address-line1'), maxlength: 200, required })}
${input(m, { id: `${prefix}-line2`, name: name('line2'), label: 'Address line 2', value: v.line2, autocomplete: ac('address-line2'), maxlength: 200 })}
<div class="row">
${input(m, { id: `${prefix}-city`, name: name('city'), label: 'City', value: v.city, autocomplete: ac('address-level2'), maxlength: 100, required })}
${postal}
</div>
${input(m, { id: `${prefix}-state`, name: name('state'), label: 'State, province or region', value: v.state, autocomplete: ac('address-level1'), maxlength: 100 })}`;
}

function shippingFields(m: PaymentPageModel, allowed: string[]): SafeHtml {
  return html`<fieldset>
<legend>Shipping address</legend>
${addressFields(m, 'shipping', m.values.shipping, countryChoices(allowed), true, true)}
</fieldset>`;
}

function shippingOptionFields(m: PaymentPageModel): SafeHtml {
  const s = m.session;
  const money = (n: number) => formatAmount(n, s.currency);
  const chosen = s.shippingOptions.some((o) => o.shippingRate === m.values.shippingRate) ? m.values.shippingRate : (s.selectedShippingRate ?? s.shippingOptions[0]?.shippingRate);
  const error = m.errors.fields['shipping-rate-0'];
  return html`<fieldset${error ? html` aria-describedby="shipping-rate-error"` : ''}>
<legend>Shipping method</legend>
<div class="choices">
${s.shippingOptions.map(
  (o, i) => html`<label class="choice" for="shipping-rate-${i}"><input type="radio" id="shipping-rate-${i}" name="shipping_rate" value="${o.shippingRate}" data-shipping="${money(o.amount)}" data-tax="${money(o.tax)}" data-total="${money(o.total)}" data-pay="Pay ${money(o.total)}"${o.shippingRate === chosen ? html` checked` : ''} required>
<span class="choice-text">${o.displayName}${o.deliveryEstimate ? html`<span class="choice-detail">${o.deliveryEstimate}</span>` : ''}</span><span class="amount">${o.amount === 0 ? 'Free' : money(o.amount)}</span></label>\n`,
)}</div>
${error ? html`<p class="field-error" id="shipping-rate-error">${error}</p>` : ''}
</fieldset>`;
}

function billingFields(m: PaymentPageModel): SafeHtml {
  const s = m.session;
  const full = s.billingAddressCollection === 'required';
  const canReuseShipping = s.allowedCountries !== null;
  const fields = addressFields(m, 'billing', m.values.billing, ALL_COUNTRIES, full, !canReuseShipping);
  if (!canReuseShipping) {
    return html`<fieldset>
<legend>Billing address</legend>
${fields}
</fieldset>`;
  }
  return html`<fieldset>
<legend>Billing address</legend>
<label class="checkbox" for="billing-same"><input type="checkbox" id="billing-same" name="billing_same_as_shipping" value="1"${m.values.billingSameAsShipping ? html` checked` : ''}> Same as shipping address</label>
<div id="billing-fields">
<p class="hint">Fill in only if your billing address differs from the shipping address.</p>
${fields}
</div>
</fieldset>`;
}

function paymentFields(m: PaymentPageModel): SafeHtml {
  const s = m.session;
  const v = m.values;
  const byCard = v.paymentMethod === '' || v.paymentMethod === 'card';
  // Test mode offers pm_card_* methods instead of typing a card, so the card fields cannot be required in HTML there.
  const cardRequired = s.livemode;
  const conditional = !cardRequired;
  const card = html`<fieldset id="card-fields">
<legend>Card details</legend>
${input(m, { id: 'card-number', name: 'card[number]', label: 'Card number', value: '', autocomplete: 'cc-number', inputmode: 'numeric', maxlength: 23, placeholder: '1234 1234 1234 1234', required: cardRequired, conditional })}
<div class="row three">
${input(m, { id: 'card-exp-month', name: 'card[exp_month]', label: 'Expiry month', value: v.expMonth, autocomplete: 'cc-exp-month', inputmode: 'numeric', maxlength: 2, placeholder: 'MM', required: cardRequired, conditional })}
${input(m, { id: 'card-exp-year', name: 'card[exp_year]', label: 'Expiry year', value: v.expYear, autocomplete: 'cc-exp-year', inputmode: 'numeric', maxlength: 4, placeholder: 'YYYY or YY', required: cardRequired, conditional })}
${input(m, { id: 'card-cvc', name: 'card[cvc]', label: 'Security code', value: '', autocomplete: 'cc-csc', inputmode: 'numeric', maxlength: 4, placeholder: 'CVC', required: cardRequired, conditional })}
</div>
</fieldset>`;
  if (s.livemode) return card;
  const error = m.errors.fields['pm-card'];
  return html`<fieldset>
<legend>Payment method</legend>
<div class="choices" role="radiogroup" aria-label="Payment method">
<label class="choice" for="pm-card"><input type="radio" id="pm-card" name="payment_method" value="card"${byCard ? html` checked` : ''}><span class="choice-text">Card<span class="choice-detail">Type a card number (test cards are listed below)</span></span></label>
${OFFERED_TEST_METHODS.map(
  (t) => html`<label class="choice" for="pm-${t.id}"><input type="radio" id="pm-${t.id}" name="payment_method" value="${t.id}"${v.paymentMethod === t.id ? html` checked` : ''}><span class="choice-text"><code>${t.id}</code><span class="choice-detail">${t.label}</span></span></label>\n`,
)}</div>
${error ? html`<p class="field-error" id="pm-card-error">${error}</p>` : ''}
</fieldset>
${card}`;
}

function testCards(): SafeHtml {
  return html`<details class="test-cards" open>
<summary>Test cards</summary>
<p>Use any future expiry date (four-digit year) and any 3-digit security code (4 digits for American Express).</p>
<table>
<thead><tr><th scope="col">Number</th><th scope="col">Outcome</th></tr></thead>
<tbody>
${TEST_CARD_TABLE.map(([n, o]) => html`<tr><td><code>${n}</code></td><td>${o}</td></tr>\n`)}</tbody>
</table>
</details>`;
}
