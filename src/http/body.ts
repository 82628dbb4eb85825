import type { FastifyInstance } from 'fastify';
import qs from 'qs';
import { AppError } from '../lib/errors.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;

/** Bracket syntax limits: deep enough for `line_items[0][price_data][product_data][name]`, no deeper. */
const QS_OPTIONS = {
  depth: 6,
  strictDepth: true,
  arrayLimit: 100,
  parameterLimit: 1000,
  throwOnLimitExceeded: true,
  allowPrototypes: false,
  allowDots: false,
} as const;

export function parseBracketForm(text: string): Record<string, unknown> {
  try {
    return qs.parse(text, QS_OPTIONS) as Record<string, unknown>;
  } catch (err) {
    throw new AppError(
      'body_invalid',
      `The form body could not be parsed: ${err instanceof RangeError ? 'it is nested too deeply or has too many parameters' : 'it is malformed'}.`,
    );
  }
}

export const INVALID_QUERY = Symbol('invalid query');

/** Query strings use the same bracket syntax; a query that cannot be parsed is reported by the handler. */
export function parseQueryString(text: string): Record<string | symbol, unknown> {
  try {
    return qs.parse(text, QS_OPTIONS) as Record<string, unknown>;
  } catch {
    return { [INVALID_QUERY]: true };
  }
}

/** JSON objects and bracket forms both become one parameter tree; an empty body is `{}`. */
export function registerBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: BODY_LIMIT_BYTES }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, {});
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return done(new AppError('body_invalid', 'The request body is not valid JSON.'), undefined);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return done(new AppError('body_invalid', 'The request body must be a JSON object.'), undefined);
    }
    done(null, value);
  });
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: BODY_LIMIT_BYTES },
    (_req, body, done) => {
      try {
        done(null, parseBracketForm(typeof body === 'string' ? body : body.toString('utf8')));
      } catch (err) {
        done(err as Error, undefined);
      }
    },
  );
}
