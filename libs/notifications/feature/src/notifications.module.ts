import { Module } from '@nestjs/common';
import { BookingConfirmedConsumer } from './consumers/booking-confirmed.consumer';
import { DeliveryRepository, SmtpMailRepository } from '@rentguy/notifications/data-access';
import { DeliveryService } from './delivery.service';
import { EmailSendProcessor } from './jobs/email-send.processor';
import { PendingDeliverySweeper } from './jobs/pending-delivery.sweeper';

/**
 * Domain events in, emails out: the `notifications` consumer group, the delivery ledger, the
 * `email` job's handler and the pending-delivery sweep. Needs the app's ConfigModule (with
 * `notificationsConfig` and `mailConfig`), MetricsModule, DatabaseModule (schema `notifications`), MessagingModule
 * and QueueModule (`notificationsQueueOptions(config)`).
 */
@Module({
  controllers: [BookingConfirmedConsumer],
  providers: [
    DeliveryRepository,
    SmtpMailRepository,
    DeliveryService,
    EmailSendProcessor,
    PendingDeliverySweeper,
  ],
  exports: [DeliveryService],
})
export class NotificationsModule {}
