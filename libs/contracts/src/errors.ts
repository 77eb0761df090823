import { z } from 'zod';

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

/**
 * The body of every error response of the public API, as a schema: the OpenAPI document's `Error`
 * (docs/architecture.md#api-contract).
 */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(ErrorCode),
      message: z.string(),
      details: z
        .record(z.string(), z.unknown())
        .optional()
        .meta({ description: 'e.g. `fields: [{ path, message }]` for validation_failed' }),
      requestId: z.string().optional().meta({ description: 'the `x-request-id` of the request' }),
    }),
  })
  .meta({
    examples: [
      {
        error: {
          code: 'validation_failed',
          message: 'request validation failed',
          details: { fields: [{ path: 'pets', message: 'Unrecognized key: "pets"' }] },
          requestId: '6f1c1a52-3c0e-4a57-9d0e-2b9f5c2f1d3e',
        },
      },
    ],
  });

/** The body of every error response of the public API. */
export type ErrorBody = z.infer<typeof errorBodySchema>;
