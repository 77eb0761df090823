import { Module } from '@nestjs/common';
import {
  CalendarFeedHttpRepository,
  PaymentsSettlementRepository,
  RentalsDataAccessModule,
} from '@rentguy/rentals/data-access';
import { AdminReadAudit } from './admin-read.audit';
import { AnalyticsController } from './analytics.controller';
import { AnalyticsService } from './analytics.service';
import { CalendarController } from './calendar.controller';
import { CalendarFeedService } from './calendar-feed.service';
import { CalendarService } from './calendar.service';
import { ApplicationController } from './application.controller';
import { ApplicationRetentionSweep } from './application-retention.sweep';
import { ApplicationService } from './application.service';
import { BookingController } from './booking.controller';
import { BookingSettlementService } from './booking-settlement.service';
import { BookingService } from './booking.service';
import { BookingViewLoader } from './booking-view.loader';
import { CancellationService } from './cancellation.service';
import { RefundEventsConsumer } from './refund-events.consumer';
import { HoldExpirySweep } from './hold-expiry.sweep';
import { HostController } from './host.controller';
import { ImageController } from './image.controller';
import { ImageService } from './image.service';
import { InternalBookingController } from './internal-booking.controller';
import { PaymentSucceededConsumer } from './payment-succeeded.consumer';
import { PendingJobsSweep } from './pending-jobs.sweep';
import { PricingService } from './pricing.service';
import { PropertyController } from './property.controller';
import { ListingCache } from './listing.cache';
import { PropertyService } from './property.service';
import { RentalsMetrics } from './rentals.metrics';

/**
 * Properties, bookings, images and applications over HTTP, the `payment.succeeded` consumer and the
 * handlers of the `rentals-maintenance` sweeps. Expects from the app: ConfigModule (with
 * `rentalsConfig` and `rentalsDataAccessConfig`), MetricsModule, DatabaseModule (rentals), MessagingModule (with
 * `outboxRetentionQueue: 'rentals-maintenance'`, the queue's `outbox.prune` handler), QueueModule
 * (`rentalsQueueOptions(config)`) and StorageModule.
 */
@Module({
  imports: [RentalsDataAccessModule],
  controllers: [
    PropertyController,
    BookingController,
    InternalBookingController,
    ImageController,
    ApplicationController,
    HostController,
    CalendarController,
    AnalyticsController,
    PaymentSucceededConsumer,
    RefundEventsConsumer,
  ],
  providers: [
    // Only the rentals app asks payments; the workers share the repositories without it.
    PaymentsSettlementRepository,
    // Only the rentals app fetches imported calendar feeds.
    CalendarFeedHttpRepository,
    RentalsMetrics,
    PricingService,
    ListingCache,
    PropertyService,
    BookingViewLoader,
    AdminReadAudit,
    BookingService,
    CancellationService,
    BookingSettlementService,
    ImageService,
    ApplicationService,
    HoldExpirySweep,
    PendingJobsSweep,
    CalendarService,
    CalendarFeedService,
    AnalyticsService,
    ApplicationRetentionSweep,
  ],
})
export class RentalsFeatureModule {}
