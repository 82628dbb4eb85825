// A tiny merchant shop that embeds Railyard checkout in its own page.
//
//   RAILYARD_URL=http://127.0.0.1:4242 \
//   RAILYARD_SECRET_KEY=sk_test_… RAILYARD_PUBLISHABLE_KEY=pk_test_… \
//   node examples/embedded/server.js            # then open http://127.0.0.1:3000
//
// GET /          creates an embedded Checkout Session server-side (secret key) and serves a page that mounts it
//                with the publishable key and the session's client_secret.
// GET /shop.js   the page's script (kept out of the HTML so the page can run under a strict CSP).
// GET /complete  checks the session server-side — the success event in the browser is not proof of payment.
//
// No dependencies beyond Node.js 20.
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

const escapeHtml = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

async function railyard(options, method, path, body) {
  const res = await fetch(`${options.railyardUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${options.secretKey}`,
      ...(body ? { 'content-type': 'application/json', 'idempotency-key': `shop-${Date.now()}-${Math.random().toString(36).slice(2)}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`Railyard ${method} ${path} → ${res.status}: ${json.error?.message ?? 'error'}`);
  return json;
}

function shopPage(options, session) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Brightwater Coffee — checkout</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0; background: #fbf7f2; color: #2b2118; }
  header { background: #2b2118; color: #fbf7f2; padding: 1rem 1.5rem; font-weight: 700; }
  main { max-width: 980px; margin: 0 auto; padding: 1.5rem; }
  #checkout { background: #fff; border-radius: 12px; box-shadow: 0 2px 12px rgba(0,0,0,.08); overflow: hidden; }
  #thanks { font-size: 1.25rem; }
</style>
</head>
<body>
<header>Brightwater Coffee</header>
<main>
<h1>Your order</h1>
<p>Pay without leaving the shop: the form below is Railyard's embedded checkout.</p>
<div id="checkout" data-publishable-key="${escapeHtml(options.publishableKey)}" data-client-secret="${escapeHtml(session.client_secret)}"></div>
<p id="thanks" hidden></p>
</main>
<script src="${escapeHtml(options.railyardUrl)}/v1/checkout.js"></script>
<script src="/shop.js"></script>
</body>
</html>`;
}

const SHOP_SCRIPT = `(function () {
  var el = document.getElementById('checkout');
  var checkout = RailyardCheckout({
    publishableKey: el.getAttribute('data-publishable-key'),
    clientSecret: el.getAttribute('data-client-secret'),
  });
  checkout.on('complete', function (event) {
    // Confirm on the server before fulfilling: the browser event is a hint, the API is the truth.
    window.location.assign('/complete?session_id=' + encodeURIComponent(event.session));
  });
  checkout.on('ready', function () {
    console.log('ready');
  });
  checkout.on('declined', function (event) {
    document.title = 'Declined — Brightwater Coffee';
    console.log('declined', event.decline_code);
  });
  checkout.mount('#checkout');
})();
`;

/** Starts the demo shop; resolves to { url, close }. */
export async function startShop(options) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://shop.invalid');
    try {
      if (req.method === 'GET' && url.pathname === '/') {
        const session = await railyard(options, 'POST', '/v1/checkout/sessions', {
          ui_mode: 'embedded',
          mode: 'payment',
          line_items: [
            { price_data: { currency: 'usd', unit_amount: 1800, product_data: { name: 'Brightwater house blend, 1 kg' } }, quantity: 1 },
            { price_data: { currency: 'usd', unit_amount: 650, product_data: { name: 'Paper filters (100)' } }, quantity: 2 },
          ],
          customer_creation: 'always',
          metadata: { shop: 'brightwater' },
        });
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(shopPage(options, session));
        return;
      }
      if (req.method === 'GET' && url.pathname === '/shop.js') {
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
        res.end(SHOP_SCRIPT);
        return;
      }
      if (req.method === 'GET' && url.pathname === '/complete') {
        const id = url.searchParams.get('session_id') ?? '';
        if (!/^cs_[A-Za-z0-9]+$/.test(id)) throw new Error('bad session id');
        const session = await railyard(options, 'GET', `/v1/checkout/sessions/${id}`);
        const paid = session.status === 'complete' && session.payment_status === 'paid';
        res.writeHead(paid ? 200 : 402, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${paid ? 'Thank you' : 'Not paid'}</title></head>
<body><main><h1 id="result">${paid ? 'Thank you — your order is paid' : 'This order is not paid'}</h1>
<p>Session <code>${escapeHtml(session.id)}</code>: status ${escapeHtml(session.status)}, payment ${escapeHtml(session.payment_status)}.</p></main></body></html>`);
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not found');
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`Shop error: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  await new Promise((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const address = server.address();
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve(undefined));
        server.closeAllConnections(); // browsers keep connections open
      }),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const options = {
    railyardUrl: (process.env.RAILYARD_URL ?? 'http://127.0.0.1:4242').replace(/\/+$/, ''),
    secretKey: process.env.RAILYARD_SECRET_KEY ?? '',
    publishableKey: process.env.RAILYARD_PUBLISHABLE_KEY ?? '',
    port: Number(process.env.PORT ?? 3000),
  };
  if (!options.secretKey.startsWith('sk_') || !options.publishableKey.startsWith('pk_')) {
    console.error('Set RAILYARD_SECRET_KEY (sk_test_…) and RAILYARD_PUBLISHABLE_KEY (pk_test_…).');
    process.exit(1);
  }
  const shop = await startShop(options);
  console.log(`Shop listening on ${shop.url} (Railyard at ${options.railyardUrl})`);
}
