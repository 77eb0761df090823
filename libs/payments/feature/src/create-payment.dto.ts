import { z } from 'zod';
import { PAYMENT_METHOD_CHOICES } from '@rentguy/payments/domain';

/** Stripe takes no method (its Payment Element offers them); Mollie may be asked for one. */
export const createPaymentSchema = z.discriminatedUnion('provider', [
  z.object({ provider: z.literal('stripe') }).strict(),
  z.object({ provider: z.literal('mollie'), method: z.enum(PAYMENT_METHOD_CHOICES).optional() }).strict(),
]);
export type CreatePayment = z.infer<typeof createPaymentSchema>;

export const bookingIdSchema = z.uuid();
