import { Module } from '@nestjs/common';
import { BookingConfirmedConsumer } from './consumers/booking-confirmed.consumer';
import { CancellationEmailsConsumer } from './consumers/cancellation-emails.consumer';
import { UserEventsConsumer } from './consumers/user-events.consumer';
import {
  DeliveryRepository,
  RecipientRepository,
  SmtpMailRepository,
} from '@rentguy/notifications/data-access';
import { DeliveryService } from './delivery.service';
import { EmailSendProcessor } from './jobs/email-send.processor';
import { PendingDeliverySweeper } from './jobs/pending-delivery.sweeper';
import { RecipientDirectory } from './recipient-directory.service';
import { UnsubscribeLinks } from './unsubscribe-links';
import {
  AdminDeliveriesController,
  MyNotificationsController,
  UnsubscribeController,
} from './notifications.controller';
import { NotificationHistoryService } from './notification-history.service';
import { PreferencesService } from './preferences.service';

/**
 * Domain events in, emails out: the `notifications` consumer group, the recipient directory, the
 * delivery ledger, the `email` job's handler and the pending-delivery sweep; and the public routes
 * (a user's emails and preferences, unsubscribe links, the admins' ledger). Needs the app's
 * ConfigModule (with `notificationsConfig` and `mailConfig`), MetricsModule, DatabaseModule (schema
 * `notifications`), MessagingModule and QueueModule (`notificationsQueueOptions(config)`).
 */
@Module({
  controllers: [
    BookingConfirmedConsumer,
    UserEventsConsumer,
    CancellationEmailsConsumer,
    MyNotificationsController,
    AdminDeliveriesController,
    UnsubscribeController,
  ],
  providers: [
    DeliveryRepository,
    RecipientRepository,
    SmtpMailRepository,
    DeliveryService,
    RecipientDirectory,
    UnsubscribeLinks,
    NotificationHistoryService,
    PreferencesService,
    EmailSendProcessor,
    PendingDeliverySweeper,
  ],
  exports: [DeliveryService, UnsubscribeLinks],
})
export class NotificationsModule {}
