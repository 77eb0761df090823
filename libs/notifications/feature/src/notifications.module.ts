import { Module } from '@nestjs/common';
import { BookingEventsConsumer } from './consumers/booking-events.consumer';
import { CalendarConflictConsumer } from './consumers/calendar-conflict.consumer';
import { PaymentEventsConsumer } from './consumers/payment-events.consumer';
import { UserEventsConsumer } from './consumers/user-events.consumer';
import {
  BookingStayRepository,
  DeliveryRepository,
  RecipientRepository,
  SmtpMailRepository,
} from '@rentguy/notifications/data-access';
import { BookingEmails } from './booking-emails.service';
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
    BookingEventsConsumer,
    PaymentEventsConsumer,
    CalendarConflictConsumer,
    UserEventsConsumer,
    MyNotificationsController,
    AdminDeliveriesController,
    UnsubscribeController,
  ],
  providers: [
    BookingStayRepository,
    BookingEmails,
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
