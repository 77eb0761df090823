import { REFUND_REASONS } from '@rentguy/contracts';
import { PAYMENT_PROVIDERS, PAYMENT_STATUSES, REFUND_STATUSES } from '@rentguy/payments/domain';
import type { Holds, SchemaMatches } from '@rentguy/platform/http';
import { z } from 'zod';
import type { PaymentView } from './payment.service';
import type { RefundView } from './refund.service';

const money = z.number().int().meta({ description: 'minor units (cents) of `currency`' });

const paymentFields = {
  id: z.uuid(),
  provider: z.enum(PAYMENT_PROVIDERS),
  status: z.enum(PAYMENT_STATUSES),
  providerPaymentId: z.string().nullable(),
  amount: money,
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

/** A refund as `POST /v1/admin/payments/:id/refunds` answers it. */
export const refundViewSchema = z.object({
  id: z.uuid(),
  paymentId: z.uuid(),
  bookingId: z.uuid(),
  provider: z.enum(PAYMENT_PROVIDERS),
  providerRefundId: z.string().nullable().meta({ description: "the provider's id, once it took the refund" }),
  amount: money,
  currency: z.string(),
  reason: z.enum(REFUND_REASONS),
  status: z.enum(REFUND_STATUSES),
  createdAt: z.iso.datetime({ offset: true }),
});

/** Compile-time only: each view equals what its schema describes. */
export type PaymentViewSchemasMatchViews = [
  Holds<SchemaMatches<typeof paymentViewSchema, PaymentView>>,
  Holds<SchemaMatches<typeof refundViewSchema, RefundView>>,
];

/** What a provider's webhook is answered once the event is stored. */
export const webhookReceivedSchema = z.object({ received: z.literal(true) });
