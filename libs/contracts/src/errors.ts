/**
 * Error codes shared by every service. Domain code throws a DomainError with one of these; the HTTP
 * edge maps each code to a status in one exhaustive switch, workers and consumers map it to an outcome.
 */
export enum ErrorCode {
  ValidationFailed = 'validation_failed',
  Unauthenticated = 'unauthenticated',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  Conflict = 'conflict',
  BookingOverlap = 'booking_overlap',
  EmailTaken = 'email_taken',
  InvalidCredentials = 'invalid_credentials',
  NotPayable = 'not_payable',
  InvalidSignature = 'invalid_signature',
  PayloadTooLarge = 'payload_too_large',
  UnsupportedMediaType = 'unsupported_media_type',
  /** Over a rate limit: `Retry-After` says when to try again. */
  RateLimited = 'rate_limited',
  /** Another service (or a payment provider) did not answer. */
  UpstreamUnavailable = 'upstream_unavailable',
  /** A dependency of this service (PostgreSQL, Redis, Kafka) is down or timing out: retry shortly. */
  ServiceUnavailable = 'service_unavailable',
  /** A bug: nothing the caller can change; the request id finds it in the logs. */
  InternalError = 'internal_error',
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** The body of every error response of the public API. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown>; requestId?: string };
}
