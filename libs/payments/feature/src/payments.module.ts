import { Module } from '@nestjs/common';
import { BookingEventsConsumer } from './booking-events.consumer';
import {
  BookingProjectionRepository,
  MolliePaymentProvider,
  PaymentRepository,
  RefundRepository,
  RentalsBookingRepository,
  StripePaymentProvider,
  WebhookEventRepository,
} from '@rentguy/payments/data-access';
import { AdminRefundController } from './admin-refund.controller';
import { InternalSettlementController } from './internal-settlement.controller';
import { RefundService } from './refund.service';
import { RefundTransitionService } from './refund-transition.service';
import { PaymentController } from './payment.controller';
import { PaymentMetrics } from './payment.metrics';
import { PaymentProviderRegistry } from './payment-provider.registry';
import { PaymentReconciliationService } from './payment-reconciliation.service';
import { PaymentService } from './payment.service';
import { PaymentTransitionService } from './payment-transition.service';
import { MollieWebhookController } from './mollie-webhook.controller';
import { StripeWebhookController } from './stripe-webhook.controller';
import { WebhookInboxService } from './webhook-inbox.service';

/**
 * Payments: payment requests, provider webhooks, reconciliation and the booking projection (from
 * rentals' events, read through from rentals' internal HTTP API when a payment outruns them), and
 * rentals' service-only question which bookings are paid.
 * Needs from the app: ConfigModule (with `paymentsConfig` and `paymentsDataAccessConfig`),
 * DatabaseModule with `paymentsSchema`, MessagingModule (with `outboxRetentionQueue:
 * 'payments-maintenance'`, the queue's `outbox.prune` handler), QueueModule
 * (`paymentsQueueOptions(config)`), MetricsModule and HealthModule.
 */
@Module({
  controllers: [
    PaymentController,
    StripeWebhookController,
    MollieWebhookController,
    InternalSettlementController,
    AdminRefundController,
    BookingEventsConsumer,
  ],
  providers: [
    PaymentRepository,
    RefundRepository,
    BookingProjectionRepository,
    RentalsBookingRepository,
    WebhookEventRepository,
    StripePaymentProvider,
    MolliePaymentProvider,
    PaymentProviderRegistry,
    PaymentMetrics,
    RefundTransitionService,
    RefundService,
    PaymentTransitionService,
    PaymentService,
    WebhookInboxService,
    PaymentReconciliationService,
  ],
  exports: [PaymentReconciliationService, WebhookInboxService, RefundService],
})
export class PaymentsModule {}
