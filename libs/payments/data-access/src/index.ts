export { paymentsDataAccessConfig } from './payments-data-access.config';
export { paymentsSchema } from './payments.schema';
export { PaymentRepository, type Payment, type NewPayment } from './payment.repository';
export {
  BookingProjectionRepository,
  type BookingProjection,
  type HeldBooking,
  type ReadBooking,
} from './booking-projection.repository';
export type { ProjectedBookingStatus } from './booking-projection.entity';
export { WebhookEventRepository, type StoredWebhookEvent } from './webhook-event.repository';
export { RentalsBookingRepository } from './rentals-booking.repository';
export { StripePaymentProvider, stripeEventSchema } from './stripe-payment.provider';
export { MolliePaymentProvider, MOLLIE_PING_TYPE, MOLLIE_WEBHOOK_PATH } from './mollie-payment.provider';
export {
  RefundRepository,
  RefundExceedsCapturedError,
  type Refund,
  type NewRefund,
} from './refund.repository';
