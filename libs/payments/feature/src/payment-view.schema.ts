import { PAYMENT_PROVIDERS, PAYMENT_STATUSES } from '@rentguy/payments/domain';
import type { Holds, SchemaMatches } from '@rentguy/platform/http';
import { z } from 'zod';
import type { PaymentView } from './payment.service';

const paymentFields = {
  id: z.uuid(),
  provider: z.enum(PAYMENT_PROVIDERS),
  status: z.enum(PAYMENT_STATUSES),
  providerPaymentId: z.string().nullable(),
  amount: z.number().int().meta({ description: 'minor units (cents) of `currency`' }),
  currency: z.string(),
};

/**
 * A payment as `POST /v1/bookings/:id/payments` answers it, for the OpenAPI document: Stripe's carry
 * the PaymentIntent's client secret, Mollie's the checkout page to send the guest to.
 */
export const paymentViewSchema = z.union([
  z.object({ ...paymentFields, clientSecret: z.string().nullable() }),
  z.object({ ...paymentFields, checkoutUrl: z.string().nullable() }),
]);

/** Compile-time only: the view equals what its schema describes. */
export type PaymentViewSchemaMatchesView = Holds<SchemaMatches<typeof paymentViewSchema, PaymentView>>;

/** What a provider's webhook is answered once the event is stored. */
export const webhookReceivedSchema = z.object({ received: z.literal(true) });
