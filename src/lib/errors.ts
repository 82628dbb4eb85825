/**
 * The closed list of error codes. Each maps once to an error type and an HTTP status; the HTTP edge renders them.
 * `message` is shown to the client; `detail` (optional) is for operators' logs only.
 */
export const ERROR_CODES = {
  parameter_unknown: { type: 'invalid_request_error', status: 400 },
  parameter_invalid: { type: 'invalid_request_error', status: 400 },
  parameter_missing: { type: 'invalid_request_error', status: 400 },
  body_invalid: { type: 'invalid_request_error', status: 400 },
  body_too_large: { type: 'invalid_request_error', status: 400 },
  content_type_unsupported: { type: 'invalid_request_error', status: 400 },
  /** The HTTP request itself could not be read (malformed request line, header or URL escape). */
  request_malformed: { type: 'invalid_request_error', status: 400 },
  resource_missing: { type: 'invalid_request_error', status: 404 },
  url_invalid: { type: 'invalid_request_error', status: 404 },
  method_not_allowed: { type: 'invalid_request_error', status: 405 },
  resource_in_use: { type: 'invalid_request_error', status: 400 },
  idempotency_key_reused: { type: 'invalid_request_error', status: 422 },
  idempotency_key_in_use: { type: 'api_error', status: 409 },
  test_mode_only: { type: 'invalid_request_error', status: 400 },
  payment_intent_unexpected_state: { type: 'invalid_request_error', status: 400 },
  checkout_session_not_open: { type: 'invalid_request_error', status: 400 },
  order_unexpected_state: { type: 'invalid_request_error', status: 400 },
  amount_too_small: { type: 'invalid_request_error', status: 400 },
  unsupported_psp_capability: { type: 'invalid_request_error', status: 422 },
  amount_too_large: { type: 'invalid_request_error', status: 400 },
  card_declined: { type: 'payment_error', status: 402 },
  resource_limit_reached: { type: 'invalid_request_error', status: 400 },
  api_key_revoked: { type: 'invalid_request_error', status: 400 },
  live_processor_unconfigured: { type: 'invalid_request_error', status: 400 },
  setup_intent_unexpected_state: { type: 'invalid_request_error', status: 400 },
  payment_method_unexpected_state: { type: 'invalid_request_error', status: 400 },
  authentication_failed: { type: 'authentication_error', status: 401 },
  secret_key_required: { type: 'authentication_error', status: 401 },
  rate_limit_exceeded: { type: 'rate_limit_error', status: 429 },
  api_error: { type: 'api_error', status: 500 },
  service_unavailable: { type: 'api_error', status: 503 },
} as const satisfies Record<string, { type: string; status: number }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly param: string | null;
  readonly extra: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { param?: string | null; extra?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.param = options.param ?? null;
    this.extra = options.extra;
    this.headers = options.headers;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}

export const DOC_URL_BASE = 'https://docs.leanrails.com/errors/';

/** The error envelope of decisions.md §4: `{error: {type, code, message, param, doc_url, ...extra}}`. */
export function errorBody(err: AppError): { error: Record<string, unknown> } {
  const { type } = ERROR_CODES[err.code];
  const docCode = err.code === 'card_declined' ? 'decline-codes' : err.code;
  return {
    error: {
      type,
      code: err.code,
      message: err.message,
      param: err.param,
      doc_url: `${DOC_URL_BASE}${docCode}`,
      ...err.extra,
    },
  };
}

export function notFound(noun: string, id: string, param = 'id'): AppError {
  return new AppError('resource_missing', `No such ${noun}: '${id}'`, { param });
}
