// Railyard checkout page enhancements. The page works without this file: the form posts and the server checks
// everything again. With it: card checks before submitting (Luhn, expiry, CVC), inline messages, the total following
// the shipping choice, a single submission, and — inside an embedded iframe — events for the parent page.
(function () {
  'use strict';

  var form = document.getElementById('checkout-form');
  var body = document.body;

  // ---- Embedded mode: tell the parent page what happened, and how tall the content is. ----
  var parentOrigin = body.getAttribute('data-parent-origin');
  function postToParent(message) {
    if (!parentOrigin || window.parent === window) return;
    message.source = 'railyard-checkout';
    window.parent.postMessage(message, parentOrigin);
  }
  if (parentOrigin) {
    if (document.getElementById('checkout-form')) {
      postToParent({ type: 'checkout.ready', session: body.getAttribute('data-session') });
    }
    var pending = body.getAttribute('data-checkout-event');
    if (pending) {
      try {
        postToParent(JSON.parse(pending));
      } catch (e) {
        /* a malformed attribute is ignored */
      }
    }
    var lastHeight = 0;
    var reportHeight = function () {
      var h = Math.ceil(document.documentElement.getBoundingClientRect().height);
      if (h !== lastHeight) {
        lastHeight = h;
        postToParent({ type: 'checkout.resize', height: h });
      }
    };
    if (window.ResizeObserver) new ResizeObserver(reportHeight).observe(document.documentElement);
    reportHeight();
  }

  if (!form) return;
  form.noValidate = true; // this script shows its own messages beside each field

  // ---- Shipping choice: the displayed shipping and total follow the selected option. ----
  function selectedShipping() {
    return form.querySelector('input[name="shipping_rate"]:checked');
  }
  function showTotals() {
    var option = selectedShipping();
    if (!option) return;
    setText('shipping-amount', option.getAttribute('data-shipping'));
    setText('tax-amount', option.getAttribute('data-tax'));
    setText('total-amount', option.getAttribute('data-total'));
    setText('amount-due', option.getAttribute('data-total'));
    setText('pay-label', option.getAttribute('data-pay'));
  }
  function setText(id, text) {
    var el = document.getElementById(id);
    if (el && text) el.textContent = text;
  }
  form.addEventListener('change', function (e) {
    var t = e.target;
    if (t.name === 'shipping_rate') showTotals();
    if (t.name === 'payment_method') showCardFields();
    if (t.id === 'billing-same') showBillingFields();
  });

  // ---- Payment method (test mode offers the pm_card_* test methods beside typing a card). ----
  var cardFields = document.getElementById('card-fields');
  function payingByCard() {
    var chosen = form.querySelector('input[name="payment_method"]:checked');
    return !chosen || chosen.value === 'card';
  }
  function showCardFields() {
    if (!cardFields) return;
    var byCard = payingByCard();
    cardFields.hidden = !byCard;
    var inputs = cardFields.querySelectorAll('input');
    for (var i = 0; i < inputs.length; i++) inputs[i].disabled = !byCard;
  }

  var billingFields = document.getElementById('billing-fields');
  var billingSame = document.getElementById('billing-same');
  function showBillingFields() {
    if (!billingFields || !billingSame) return;
    billingFields.hidden = billingSame.checked;
    var inputs = billingFields.querySelectorAll('input, select');
    for (var i = 0; i < inputs.length; i++) inputs[i].disabled = billingSame.checked;
  }
  showCardFields();
  showBillingFields();

  // ---- Card checks. ----
  function digits(s) {
    return s.replace(/[\s-]/g, '');
  }
  function luhn(number) {
    var sum = 0;
    var double = false;
    for (var i = number.length - 1; i >= 0; i--) {
      var d = number.charCodeAt(i) - 48;
      if (double) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
      double = !double;
    }
    return sum % 10 === 0;
  }
  function isAmex(number) {
    return /^3[47]/.test(number);
  }
  var checks = {
    'card-number': function (v) {
      var n = digits(v);
      if (n === '') return 'Enter your card number.';
      if (!/^\d+$/.test(n)) return 'A card number has digits only.';
      if (n.length < 12 || n.length > 19 || !luhn(n)) return 'Your card number is incorrect.';
      return '';
    },
    'card-exp-month': function (v) {
      if (!/^\d{1,2}$/.test(v) || +v < 1 || +v > 12) return 'Enter the expiry month as 1 to 12.';
      return '';
    },
    'card-exp-year': function (v) {
      if (!/^(\d{2}|\d{4})$/.test(v)) return 'Enter the expiry year (for example 2030 or 30).';
      var month = +document.getElementById('card-exp-month').value;
      var now = new Date();
      var y = v.length === 2 ? 2000 + +v : +v;
      if (y < now.getFullYear() || (y === now.getFullYear() && month >= 1 && month < now.getMonth() + 1)) {
        return "Your card's expiration date is in the past.";
      }
      if (y > now.getFullYear() + 50) return "Your card's expiration year is invalid.";
      return '';
    },
    'card-cvc': function (v) {
      var amex = isAmex(digits(document.getElementById('card-number').value));
      if (!(amex ? /^\d{4}$/ : /^\d{3}$/).test(v)) return amex ? 'Enter the 4-digit security code.' : 'Enter the 3-digit security code.';
      return '';
    },
  };

  function messageFor(input) {
    if (input.disabled) return '';
    var check = checks[input.id];
    if (check) return check(input.value.trim());
    if (input.validity.valueMissing) return (input.getAttribute('data-label') || 'This field') + ' is required.';
    if (input.validity.typeMismatch && input.type === 'email') return 'Enter a valid email address.';
    if (!input.validity.valid) return (input.getAttribute('data-label') || 'This field') + ' is not valid.';
    return '';
  }

  function showError(input, message) {
    var id = input.id + '-error';
    var el = document.getElementById(id);
    if (!message) {
      input.removeAttribute('aria-invalid');
      if (el) el.remove();
      return;
    }
    input.setAttribute('aria-invalid', 'true');
    if (!el) {
      el = document.createElement('p');
      el.id = id;
      el.className = 'field-error';
      input.insertAdjacentElement('afterend', el);
      var described = (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
      if (described.indexOf(id) < 0) described.push(id);
      input.setAttribute('aria-describedby', described.join(' '));
    }
    el.textContent = message;
  }

  function validateField(input) {
    var m = messageFor(input);
    showError(input, m);
    return m;
  }

  // Messages appear on submit; a flagged field is checked again as it is corrected. (Not on blur: a message
  // appearing while the pointer is on its way to the Pay button moves the button and swallows the click.)
  form.addEventListener('input', function (e) {
    var t = e.target;
    if (t.getAttribute('aria-invalid') === 'true') validateField(t);
  });
  form.addEventListener('change', function (e) {
    var t = e.target;
    if (t.tagName === 'SELECT' && t.getAttribute('aria-invalid') === 'true') validateField(t);
  });

  var submitting = false;
  form.addEventListener('submit', function (e) {
    if (submitting) {
      e.preventDefault(); // one payment per click: a second press waits for the first
      return;
    }
    var fields = form.querySelectorAll('input:not([type="hidden"]):not([type="radio"]):not([type="checkbox"]), select');
    var first = null;
    for (var i = 0; i < fields.length; i++) {
      if (validateField(fields[i]) && !first) first = fields[i];
    }
    if (first) {
      e.preventDefault();
      first.focus();
      return;
    }
    submitting = true;
    var button = document.getElementById('pay-button');
    if (button) {
      button.setAttribute('aria-disabled', 'true');
      button.disabled = true;
      setText('pay-label', 'Processing…');
    }
  });

  // Coming back to the page through the history cache must allow paying again.
  window.addEventListener('pageshow', function (e) {
    if (!e.persisted) return;
    submitting = false;
    var button = document.getElementById('pay-button');
    if (button) button.disabled = false;
    showTotals();
  });
})();
