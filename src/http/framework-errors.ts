import type { FastifyError } from 'fastify';
import { AppError } from '../lib/errors.js';
import { BODY_LIMIT_BYTES } from './body.js';

/**
 * The error a failed request answers with: an AppError as it is; Fastify's own refusals (a body too large, a media
 * type it does not read, a body it could not parse) as the 400 they are; a client that went away mid-body as a 400
 * too (nobody reads it, and it is not the server's failure); anything else as a 500.
 */
export function toAppError(err: FastifyError | AppError): AppError {
  if (err instanceof AppError) return err;
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('body_too_large', `The request body is larger than the limit of ${BODY_LIMIT_BYTES} bytes.`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('content_type_unsupported', 'Send the body as application/json or application/x-www-form-urlencoded.');
    case 'ECONNRESET':
    case 'ECONNABORTED':
      return new AppError('body_invalid', 'The request body was not received in full: the client closed the connection.');
    default:
      if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
        return new AppError('body_invalid', 'The request could not be read.');
      }
      return new AppError('api_error', 'An unexpected error occurred. It has been logged; retry later.');
  }
}
