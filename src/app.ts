import fastifySwagger from '@fastify/swagger';
import Fastify, {
  LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { endpoints } from './api/v1/index.js';
import { registerAuthenticationPages } from './checkout/authenticate.js';
import { registerCheckoutPages } from './checkout/routes.js';
import { registerCheckoutLinkRoutes } from './api/v1/checkout_links/public-routes.js';
import { registerPixWebhookRoutes } from './api/internal/pix-webhook.js';
import { merchantNow, type Deps } from './domain/context.js';
import { keyFromAuthorization } from './http/auth.js';
import { headerValues } from './http/headers.js';
import { BODY_LIMIT_BYTES, parseQueryString, queryError, registerBodyParsers } from './http/body.js';
import { toAppError } from './http/framework-errors.js';
import { registerEndpoint } from './http/endpoint.js';
import { serializeRequest } from './http/log-redaction.js';
import { registerMetrics } from './http/metrics.js';
import { rateHeaders, rateLimitError } from './http/rate-limit.js';
import { createRuntime, takeIpAllowance, type Runtime } from './http/runtime.js';
import { CURRENT_API_VERSION, isSupportedApiVersion } from './lib/api-versions.js';
import { AppError, errorBody } from './lib/errors.js';
import { randomBase62 } from './lib/ids.js';

export interface App {
  app: FastifyInstance;
  runtime: Runtime;
}

/** Builds the HTTP application: parsers, the edge hooks, every endpoint and one error handler. */
export async function buildApp(deps: Deps): Promise<App> {
  const runtime = createRuntime(deps);
  /** X-RateLimit-* for a response no limit counts: the client IP's unauthenticated allowance, shown, not spent. */
  const ipRateHeaders = (ip: string) => rateHeaders(runtime.rateLimiter.peek(`ip:${ip}`, runtime.rateLimits.unauthenticated, deps.clock.nowMs()));
  const app = Fastify({
    // The request log's `req` shows the URL with secrets (a client_secret, a pasted key) redacted.
    loggerInstance: deps.logger.child({}, { serializers: { req: serializeRequest } }) as unknown as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    // A request must arrive whole within a minute (a body dripping a byte at a time would hold its socket forever).
    requestTimeout: 60_000,
    genReqId: () => `req_${randomBase62(16)}`,
    requestIdHeader: false,
    logController: new LogController({ requestIdLogLabel: 'request_id' }),
    routerOptions: {
      querystringParser: (s: string) => parseQueryString(s),
      ignoreTrailingSlash: true,
      maxParamLength: 300,
    },
    // Shutting down: answered by the onRequest hook below, with the error envelope.
    return503OnClosing: false,
    // Requests the router cannot take apart (a bad percent-escape, an over-long path segment) still get the envelope.
    frameworkErrors: (err, request, genericReply) => {
      const reply = genericReply as unknown as FastifyReply;
      const e = new AppError('request_malformed', `The request URL could not be read: ${err.code === 'FST_ERR_BAD_URL' ? 'it has a malformed percent-escape' : 'a path segment is too long'}.`);
      void reply
        .code(e.status)
        .header('Request-Id', request.id)
        .header('X-API-Version', CURRENT_API_VERSION)
        .headers(ipRateHeaders(request.ip))
        .type('application/json; charset=utf-8')
        .send(JSON.stringify(errorBody(e)));
    },
    // Requests Node's HTTP parser refuses (control characters in a header, a malformed request line).
    clientErrorHandler: (err: Error & { code?: string }, socket) => {
      if (err.code === 'ECONNRESET' || socket.destroyed) return;
      if (socket.writable && err.code !== 'ERR_HTTP_REQUEST_TIMEOUT') {
        const raw = (err as { rawPacket?: Buffer }).rawPacket;
        const e = raw && unprintableIdempotencyKey(raw)
          ? new AppError('parameter_invalid', 'The Idempotency-Key header must be printable text (no control characters).', { param: 'Idempotency-Key' })
          : new AppError('request_malformed', err.code === 'HPE_HEADER_OVERFLOW'
            ? 'The request headers are too large.'
            : 'The HTTP request is malformed (for example a control character in a header).');
        const body = JSON.stringify(errorBody(e));
        // A response to HEAD carries no body (a client would read it as garbage after the headers).
        const head = raw?.subarray(0, 5).toString('latin1') === 'HEAD ';
        const rate = Object.entries(ipRateHeaders(socket.remoteAddress ?? '')).map(([k, v]) => `${k}: ${v}\r\n`).join('');
        socket.write(
          `HTTP/1.1 ${e.status} Bad Request\r\nRequest-Id: req_${randomBase62(16)}\r\nX-API-Version: ${CURRENT_API_VERSION}\r\n${rate}` +
            `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${head ? '' : body}`,
        );
      }
      socket.destroy(err);
    },
  });

  // Parameters are validated by the endpoint wrapper (its errors name `param`); Fastify only carries the schemas
  // for the OpenAPI document, and responses are already-rendered JSON text.
  app.setValidatorCompiler(() => (data: unknown) => ({ value: data }));
  app.setSerializerCompiler(() => (data) => (typeof data === 'string' ? data : JSON.stringify(data)));
  registerBodyParsers(app);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Railyard — Fluveo-compatible payments API',
        version: CURRENT_API_VERSION,
        description: 'Self-hosted implementation of the Fluveo API. Authenticate with HTTP Basic (key as username, empty password) or a Bearer token.',
      },
      servers: [{ url: deps.config.publicUrl }],
      components: {
        securitySchemes: {
          basicAuth: { type: 'http', scheme: 'basic' },
          bearerAuth: { type: 'http', scheme: 'bearer' },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });

  // Once shutdown has begun, a request that still arrives (on an open keep-alive connection) is refused: 503 with
  // `Connection: close`, so the client retries on a fresh connection — to another node, or after the restart.
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('Request-Id', request.id);
    reply.header('X-API-Version', CURRENT_API_VERSION);
    if (closing) {
      reply.header('Connection', 'close');
      throw new AppError('service_unavailable', 'The server is shutting down. Retry the request.', { headers: { 'Retry-After': '1' } });
    }
    const auth = request.routeOptions.config.auth ?? 'none';
    if (auth === 'none') return;
    await authenticate(runtime, request, reply, auth);
  });

  app.setErrorHandler((err: FastifyError | AppError, request, reply) => {
    const appError = toAppError(err);
    // A refusal while shutting down is expected, not a failure worth a stack trace.
    if (appError.status >= 500 && appError.code !== 'service_unavailable') {
      request.log.error({ err, request_id: request.id }, 'request failed');
    }
    if (!reply.hasHeader('X-API-Version')) reply.header('X-API-Version', request.actor?.apiVersion ?? CURRENT_API_VERSION);
    for (const [k, v] of Object.entries(appError.headers ?? {})) reply.header(k, v);
    return reply.code(appError.status).type('application/json; charset=utf-8').send(JSON.stringify(errorBody(appError)));
  });

  // X-RateLimit-* on every response (decisions.md), also with RATE_LIMITS=off, when the requests are counted and
  // shown but never refused: a response no limit counted (unknown URLs, `/`, `/openapi.json`, health checks) shows
  // the client IP's unauthenticated allowance, without spending any of it.
  app.addHook('onSend', async (request, reply) => {
    // A redirect to a URL the merchant gave (success_url, return_url) may hold characters a header cannot carry:
    // they are sent percent-encoded, as a browser would request them.
    const location = reply.getHeader('location');
    if (typeof location === 'string' && !HEADER_SAFE_URL.test(location)) reply.header('location', percentEncodeUrl(location));
    if (reply.hasHeader('X-RateLimit-Limit')) return;
    reply.headers(ipRateHeaders(request.ip));
  });

  // On SQLite a commit is visible a moment before it is durable (its WAL sync runs off the event loop): a response
  // waits for that, so nobody is shown data a crash could still take back. Writes already waited for their own sync.
  if (deps.store.engine === 'sqlite') {
    app.addHook('onSend', (request, reply, payload, done) => {
      const durable = deps.store.whenDurable();
      if (!durable) {
        done(null, payload);
        return;
      }
      // Sending resumes outside the route's own error handling, so a failure to write the answer (which no route
      // should cause) closes that one connection instead of escaping as an unhandled rejection.
      const resume = (err: Error | null) => {
        try {
          if (err) done(err);
          else done(null, payload);
        } catch (failure) {
          request.log.error({ err: failure, request_id: request.id }, 'response could not be sent');
          reply.raw.destroy();
        }
      };
      durable.then(
        () => resume(null),
        (err: unknown) => resume(err as Error),
      );
    });
  }

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const e = new AppError('url_invalid', `Unrecognized request URL (${request.method}: ${path.slice(0, 200)}).`);
    reply.header('X-API-Version', CURRENT_API_VERSION);
    return reply.code(404).type('application/json; charset=utf-8').send(JSON.stringify(errorBody(e)));
  });

  app.get('/', { schema: { hide: true } }, () => ({
    object: 'railyard',
    description: 'Railyard: a self-hosted Fluveo-compatible payments API.',
    api_version: CURRENT_API_VERSION,
    openapi: '/openapi.json',
  }));
  app.get('/healthz', { schema: { hide: true } }, () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    try {
      await deps.store.db.selectFrom('merchants').select('id').limit(1).execute();
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'unavailable' });
    }
  });
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
  registerMetrics(app, runtime.metrics);
  registerAuthenticationPages(app, runtime);
  registerCheckoutPages(app, runtime);
  registerCheckoutLinkRoutes(app, runtime);
  registerPixWebhookRoutes(app, runtime);

  for (const e of endpoints) registerEndpoint(app, runtime, e);
  await app.ready();
  return { app, runtime };
}

/**
 * Credential headers of other APIs (a second key, a connected account): refused with 400 next to a valid key, so
 * that a request meant for another account is never run on the key's own (with no Authorization at all, the
 * request is a 401 like any other without a key).
 */
const FOREIGN_CREDENTIAL_HEADERS = ['api-key', 'Stripe-Account', 'X-Connected-Merchant-Id'];

async function authenticate(
  runtime: Runtime,
  request: FastifyRequest,
  reply: { header(k: string, v: string): unknown },
  auth: 'secret' | 'client',
): Promise<void> {
  const { deps } = runtime;
  const nowMs = deps.clock.nowMs();
  let principal;
  try {
    const key = keyFromAuthorization(headerValues(request.raw, 'authorization'));
    principal = await runtime.keys.resolve(key, nowMs, Math.floor(nowMs / 1000));
  } catch (err) {
    const d = takeIpAllowance(runtime, request, reply);
    if (d && !d.allowed) throw rateLimitError(d);
    throw err;
  }
  const { merchant, livemode } = principal;
  reply.header('X-API-Version', merchant.default_api_version);
  // Counted before the key type is checked: a publishable key refused here spends its merchant's allowance too.
  const tier = request.routeOptions.config.rateLimit ?? 'default';
  const d = runtime.rateLimiter.take(`${merchant.id}:${livemode ? 1 : 0}:${tier}`, runtime.rateLimits[tier], nowMs);
  for (const [k, v] of Object.entries(rateHeaders(d))) reply.header(k, v);
  if (!d.allowed && deps.config.rateLimits) throw rateLimitError(d);
  if (auth === 'secret' && principal.keyType !== 'secret') {
    throw new AppError(
      'secret_key_required',
      'This API call needs a secret key (sk_test_… or sk_live_…); publishable keys only work for client-side checkout calls.',
    );
  }
  const foreign = FOREIGN_CREDENTIAL_HEADERS.find((h) => request.headers[h.toLowerCase()] !== undefined);
  if (foreign !== undefined) {
    throw new AppError(
      'request_malformed',
      `The ${foreign} header is not supported: a request acts for the merchant whose key is in the Authorization header, and for no other account.`,
      { param: foreign },
    );
  }
  const requested = request.headers['x-api-version'];
  let apiVersion = merchant.default_api_version;
  if (requested !== undefined) {
    if (typeof requested !== 'string' || !isSupportedApiVersion(requested)) {
      throw new AppError('parameter_invalid', `Unknown API version. Supported: ${CURRENT_API_VERSION}.`, {
        param: 'X-API-Version',
      });
    }
    apiVersion = requested;
    reply.header('X-API-Version', apiVersion);
  }
  const badQuery = queryError(request.query);
  if (badQuery) throw badQuery;
  request.actor = {
    merchant,
    scope: { merchantId: merchant.id, livemode },
    apiVersion,
    now: merchantNow(deps.clock, merchant, livemode),
  };
}

/**
 * Whether the request Node's parser refused has an Idempotency-Key header holding a control character (decisions.md:
 * a non-printable key is 400 `parameter_invalid` naming the header). The parser refuses such a header before any
 * handler runs, so it is recognised in the raw bytes.
 */
function unprintableIdempotencyKey(raw: Buffer): boolean {
  const headEnd = raw.indexOf('\r\n\r\n');
  const lines = raw.subarray(0, headEnd === -1 ? raw.length : headEnd).toString('latin1').split('\r\n');
  return lines.some((line) => /^idempotency-key:/i.test(line) && /[\u0000-\u0008\u000a-\u001f\u007f]/.test(line));
}

/** A URL a header can carry as it is: printable ASCII, no spaces. */
const HEADER_SAFE_URL = /^[\x21-\x7e]*$/;

/** Percent-encodes (as UTF-8) every character of a URL outside printable ASCII; a lone surrogate becomes U+FFFD. */
function percentEncodeUrl(url: string): string {
  return url.replace(/[^\x21-\x7e]/gu, (c) => {
    try {
      return encodeURIComponent(c);
    } catch {
      return '%EF%BF%BD';
    }
  });
}
