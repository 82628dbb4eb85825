// Railyard embedded checkout. Load it from your Railyard server and mount a session created with ui_mode=embedded:
//
//   <script src="https://railyard.example.com/v1/checkout.js"></script>
//   <div id="checkout"></div>
//   <script>
//     const checkout = RailyardCheckout({ publishableKey: 'pk_test_…', clientSecret: 'cs_…_secret_…' });
//     checkout.on('complete', (event) => { /* event.session: 'cs_…' */ });
//     checkout.mount('#checkout');
//   </script>
//
// The form runs in an iframe served by Railyard (card details never touch your page). The iframe talks to this
// page with postMessage; messages are accepted only from the Railyard origin and from that iframe.
(function (global) {
  'use strict';

  var script = document.currentScript;
  var RAILYARD_ORIGIN = script && script.src ? new URL(script.src).origin : global.location.origin;
  var EVENTS = ['complete', 'declined', 'ready', 'resize'];

  function RailyardCheckout(options) {
    if (!(this instanceof RailyardCheckout)) return new RailyardCheckout(options);
    options = options || {};
    if (typeof options.publishableKey !== 'string' || !/^pk_(test|live)_/.test(options.publishableKey)) {
      throw new Error('RailyardCheckout: publishableKey must be a publishable key (pk_test_… or pk_live_…).');
    }
    if (typeof options.clientSecret !== 'string' || !/^cs_[A-Za-z0-9]+_secret_[A-Za-z0-9]+$/.test(options.clientSecret)) {
      throw new Error("RailyardCheckout: clientSecret must be the Checkout Session's client_secret (cs_…_secret_…).");
    }
    this._options = options;
    this._sessionId = options.clientSecret.slice(0, options.clientSecret.indexOf('_secret_'));
    this._handlers = {};
    this._iframe = null;
    this._onMessage = this._onMessage.bind(this);
    if (typeof options.onComplete === 'function') this.on('complete', options.onComplete);
  }

  RailyardCheckout.prototype.on = function (event, handler) {
    if (EVENTS.indexOf(event) < 0) throw new Error('RailyardCheckout: unknown event ' + event + ' (one of ' + EVENTS.join(', ') + ').');
    (this._handlers[event] = this._handlers[event] || []).push(handler);
    return this;
  };

  RailyardCheckout.prototype.mount = function (target) {
    var container = typeof target === 'string' ? document.querySelector(target) : target;
    if (!container) throw new Error('RailyardCheckout: nothing matches ' + target + '.');
    if (this._iframe) throw new Error('RailyardCheckout: already mounted; call unmount() first.');
    var src =
      RAILYARD_ORIGIN +
      '/c/' +
      encodeURIComponent(this._sessionId) +
      '/embedded?client_secret=' +
      encodeURIComponent(this._options.clientSecret) +
      '&key=' +
      encodeURIComponent(this._options.publishableKey) +
      '&parent_origin=' +
      encodeURIComponent(global.location.origin);
    var iframe = document.createElement('iframe');
    iframe.src = src;
    iframe.title = this._options.title || 'Secure checkout';
    iframe.style.width = '100%';
    iframe.style.border = '0';
    iframe.style.minHeight = '480px';
    iframe.style.colorScheme = 'light';
    this._iframe = iframe;
    global.addEventListener('message', this._onMessage);
    container.appendChild(iframe);
    return this;
  };

  RailyardCheckout.prototype.unmount = function () {
    global.removeEventListener('message', this._onMessage);
    if (this._iframe && this._iframe.parentNode) this._iframe.parentNode.removeChild(this._iframe);
    this._iframe = null;
  };

  RailyardCheckout.prototype._emit = function (event, detail) {
    var handlers = this._handlers[event] || [];
    for (var i = 0; i < handlers.length; i++) handlers[i](detail);
    if (this._iframe) {
      var container = this._iframe.parentNode;
      if (container) container.dispatchEvent(new CustomEvent('railyard:' + event, { detail: detail, bubbles: true }));
    }
    return handlers.length;
  };

  RailyardCheckout.prototype._onMessage = function (e) {
    // Only this iframe, served from the Railyard origin, may speak.
    if (e.origin !== RAILYARD_ORIGIN || !this._iframe || e.source !== this._iframe.contentWindow) return;
    var data = e.data;
    if (!data || data.source !== 'railyard-checkout' || typeof data.type !== 'string') return;
    if (data.session && data.session !== this._sessionId) return;
    switch (data.type) {
      case 'checkout.resize':
        if (typeof data.height === 'number' && data.height > 0 && data.height < 10000) {
          this._iframe.style.height = data.height + 'px';
          this._iframe.style.minHeight = '0';
        }
        this._emit('resize', { height: data.height });
        break;
      case 'checkout.ready':
        this._emit('ready', { session: this._sessionId });
        break;
      case 'checkout.complete': {
        var detail = { type: 'checkout.complete', session: this._sessionId, redirect_url: data.redirect_url || null };
        var handled = this._emit('complete', detail);
        // With no handler, follow the session's success URL, as the hosted page would.
        if (!handled && typeof data.redirect_url === 'string' && /^https?:\/\//.test(data.redirect_url)) {
          global.location.assign(data.redirect_url);
        }
        break;
      }
      case 'checkout.declined':
        this._emit('declined', {
          type: 'checkout.declined',
          session: this._sessionId,
          message: typeof data.message === 'string' ? data.message : 'Your card was declined.',
          decline_code: typeof data.decline_code === 'string' ? data.decline_code : null,
        });
        break;
      default:
        break;
    }
  };

  global.RailyardCheckout = RailyardCheckout;
})(window);
