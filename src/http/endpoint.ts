import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Db } from '../db/store.js';
import type { Actor, Deps } from '../domain/context.js';
import { renderForVersion } from '../lib/api-versions.js';
import { AppError, errorBody } from '../lib/errors.js';
import { fingerprint, readIdempotencyKey, type StoredResponse } from './idempotency.js';
import { headerValues } from './headers.js';
import type { Runtime } from './runtime.js';
import { nullsAsAbsent } from './params.js';
import { parseParams } from './validation.js';

export type AuthMode = 'secret' | 'client' | 'none';

/** What a handler receives: the actor, its parsed parameters, and a database handle (the transaction on writes). */
export interface Call<P, Q, B> {
  deps: Deps;
  runtime: Runtime;
  actor: Actor;
  db: Db;
  params: P;
  query: Q;
  body: B;
  /** The path the caller used, without the query string (list `url`s echo it). */
  path: string;
  request: FastifyRequest;
}

/** A handler's answer that is committed and stored like a success (a decline records a failed charge). */
export class CommittedError extends Error {
  constructor(readonly error: AppError) {
    super(error.message);
    this.name = 'CommittedError';
  }
}

export interface Endpoint<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: 'GET' | 'POST' | 'DELETE';
  /** One or more Fastify paths (aliases), e.g. `/v1/customers/:id`. */
  paths: string[];
  auth?: AuthMode;
  /** Idempotency-Key on POST: required (default; IDEMPOTENCY_KEY=optional relaxes it) or optional. */
  idempotency?: 'required' | 'optional';
  rateLimit?: 'default' | 'sensitive';
  /** The success response shows a secret once: its stored idempotent copy is encrypted at rest. */
  responseShowsSecret?: boolean;
  /** Test-mode only endpoints answer 400 test_mode_only to live keys. */
  testModeOnly?: boolean;
  summary: string;
  tags: string[];
  params?: P;
  query?: Q;
  body?: B;
  /** The success response's schema: documents the endpoint in /openapi.json. */
  response: z.ZodType;
  handler: (call: Call<z.output<P>, z.output<Q>, z.output<B>>) => Promise<unknown>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyEndpoint = Endpoint<any, any, any>;

export function defineEndpoint<P extends z.ZodType = z.ZodObject, Q extends z.ZodType = z.ZodObject, B extends z.ZodType = z.ZodObject>(
  e: Endpoint<P, Q, B>,
): Endpoint<P, Q, B> {
  return e;
}

declare module 'fastify' {
  interface FastifyRequest {
    actor?: Actor;
  }
  interface FastifyContextConfig {
    auth?: AuthMode;
    rateLimit?: 'default' | 'sensitive';
  }
}

const emptyObject = z.strictObject({});

export function registerEndpoint(app: FastifyInstance, runtime: Runtime, e: AnyEndpoint): void {
  const { deps } = runtime;
  const auth = e.auth ?? 'secret';
  /** `POST /v1/<objects>/:id`: a null there unsets a field (or is refused), instead of standing for no value. */
  const isUpdate = e.method === 'POST' && e.paths.every((p) => p.endsWith('/:id'));
  for (const url of e.paths) {
    app.route({
      method: e.method,
      url,
      config: { auth, rateLimit: e.rateLimit ?? 'default' },
      schema: {
        summary: e.summary,
        tags: e.tags,
        ...(e.params ? { params: e.params } : {}),
        ...(e.method === 'GET' || e.method === 'DELETE' ? { querystring: e.query ?? emptyObject } : {}),
        ...(e.method === 'POST' ? { body: e.body ?? emptyObject } : {}),
        ...(auth !== 'none' ? { security: [{ basicAuth: [] }, { bearerAuth: [] }] } : {}),
        response: { 200: e.response },
      },
      handler: async (request, reply) => {
        const actor = request.actor;
        if (!actor) throw new AppError('api_error', 'Unauthenticated request reached a handler.');
        if (e.testModeOnly && actor.scope.livemode) {
          throw new AppError('test_mode_only', 'This endpoint is only available with test-mode keys.');
        }
        const params = parseParams(e.params ?? emptyObject, request.params);
        if (e.method === 'POST' && e.query === undefined) refuseQueryParameters(request.query);
        const query = parseParams(e.query ?? emptyObject, request.query);
        const path = request.url.split('?')[0] ?? request.url;

        if (e.method !== 'POST' && e.method !== 'DELETE') {
          const body = {} as never;
          const result = await e.handler({ deps, runtime, actor, db: deps.store.db, params, query, body, path, request });
          return sendJson(reply, 200, render(result, actor));
        }

        const key =
          e.method === 'POST'
            ? readIdempotencyKey(headerValues(request.raw, 'idempotency-key'), (e.idempotency ?? 'required') === 'required' && deps.config.idempotencyKeyRequired)
            : undefined;
        const rawBody: unknown = request.body ?? {};
        const bodySchema: z.ZodType = e.body ?? emptyObject;
        let body: z.infer<typeof bodySchema>;
        try {
          body = parseParams(bodySchema, isUpdate ? rawBody : nullsAsAbsent(bodySchema, rawBody));
        } catch (err) {
          if (key !== undefined && err instanceof AppError) {
            await runtime.idempotency.refuseIfReused(actor.scope, key, fingerprint(e.method, path, rawBody), actor.now);
          }
          throw err;
        }

        const work = async (tx: Db): Promise<StoredResponse> => {
          try {
            const result = await e.handler({ deps, runtime, actor, db: tx, params, query, body, path, request });
            return { status: 200, body: render(result, actor), secret: e.responseShowsSecret === true };
          } catch (err) {
            if (err instanceof CommittedError) return { status: err.error.status, body: JSON.stringify(errorBody(err.error)) };
            throw err;
          }
        };

        if (key === undefined) {
          const response = await deps.store.withTransaction(work);
          return sendJson(reply, response.status, response.body);
        }
        const execution = await runtime.idempotency.run(actor.scope, key, fingerprint(e.method, path, rawBody), actor.now, work);
        if (execution.replayed) reply.header('Idempotent-Replayed', 'true');
        return sendJson(reply, execution.response.status, execution.response.body);
      },
    });
  }
}

/** A write takes its parameters in the body: one sent in the query string is named, with where it belongs. */
function refuseQueryParameters(query: unknown): void {
  const first = query !== null && typeof query === 'object' ? Object.keys(query)[0] : undefined;
  if (first === undefined) return;
  const name = first.slice(0, 100);
  throw new AppError('parameter_unknown', `Received unknown parameter in the query string: ${name}. Send the parameters of a POST in the request body.`, { param: name });
}

function render(result: unknown, actor: Actor): string {
  return JSON.stringify(renderForVersion(result, actor.apiVersion));
}

function sendJson(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}
