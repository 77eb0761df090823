/** The `error` object of a Stripe API error response, which the SDK turns into its error classes. */
export interface StripeErrorBody {
  type: 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';
  message: string;
  code?: string;
  param?: string;
  doc_url?: string;
}

/** A Stripe-shaped error response, thrown by the request handlers and written by the server. */
export class StripeApiError extends Error {
  readonly body: StripeErrorBody;

  /**
   * @param saveForIdempotency Stripe stores an idempotent result only once the endpoint began
   *   executing: parameter validation failures are not stored (a retry with fixed params may reuse
   *   the key), while errors about the object's state are, and are replayed.
   */
  constructor(
    readonly statusCode: number,
    body: Omit<StripeErrorBody, 'doc_url'>,
    readonly saveForIdempotency = false,
  ) {
    super(body.message);
    this.body = body.code
      ? { ...body, doc_url: `https://stripe.com/docs/error-codes/${body.code.replace(/_/g, '-')}` }
      : body;
  }
}

export function invalidRequest(message: string, param?: string, code?: string): StripeApiError {
  return new StripeApiError(400, {
    type: 'invalid_request_error',
    message,
    ...(param ? { param } : {}),
    ...(code ? { code } : {}),
  });
}

export function resourceMissing(resource: string, id: string, param: string): StripeApiError {
  return new StripeApiError(404, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    param,
    message: `No such ${resource}: '${id}'`,
  });
}

/** An error about the state of an existing object: the endpoint ran, so the result is replayable. */
export function stateError(message: string, code: string, param?: string): StripeApiError {
  return new StripeApiError(
    400,
    { type: 'invalid_request_error', code, message, ...(param ? { param } : {}) },
    true,
  );
}

/** A parameter Stripe knows but this fake does not model: failing loudly beats silently diverging. */
export function unsupportedByFake(param: string): StripeApiError {
  return invalidRequest(
    `The fake Stripe API does not support \`${param}\`; extend libs/payments/stripe-fake if the platform needs it.`,
    param,
    'parameter_unknown',
  );
}
