import { z } from 'zod';
import { DomainError, ErrorCode } from '@rentguy/contracts';

/** `POST /v1/bookings/:id/cancel`: only an admin may name the refund (up to what was paid). */
export const cancelBookingSchema = z
  .object({ refundAmount: z.number().int().nonnegative().optional() })
  .strict();
export type CancelBookingDto = z.infer<typeof cancelBookingSchema>;

/** `GET /v1/bookings/:id/cancellation-quote?at=ISO`: the quote for that instant (now when absent). */
export const cancellationQuoteQuerySchema = z
  .object({ at: z.iso.datetime({ offset: true }).optional() })
  .strict();
export type CancellationQuoteQuery = z.infer<typeof cancellationQuoteQuerySchema>;

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** An `Idempotency-Key` header: 1 to 255 printable ASCII characters (what the payment providers accept). */
export function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header !== undefined && !IDEMPOTENCY_KEY.test(header)) {
    throw new DomainError(ErrorCode.ValidationFailed, 'request validation failed', {
      fields: [{ path: 'Idempotency-Key', message: '1 to 255 printable ASCII characters' }],
    });
  }
  return header;
}
