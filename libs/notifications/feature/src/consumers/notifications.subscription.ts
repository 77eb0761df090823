import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Topics } from '@rentguy/contracts';
import { ConsumerHost } from '@rentguy/platform/messaging';
import { BookingConfirmedConsumer } from './booking-confirmed.consumer';

/** The consumer group of this service; it also names its inbox rows and DLQ topics. */
export const NOTIFICATIONS_GROUP = 'notifications';

/** The one consumer group of the service and which consumer handles each event type. */
@Injectable()
export class NotificationsSubscription implements OnModuleInit {
  constructor(
    private readonly consumers: ConsumerHost,
    private readonly bookingConfirmed: BookingConfirmedConsumer,
  ) {}

  onModuleInit(): void {
    this.consumers.subscribe({
      group: NOTIFICATIONS_GROUP,
      topics: [Topics.booking],
      handlers: { 'booking.confirmed': (event, manager) => this.bookingConfirmed.handle(event, manager) },
    });
  }
}
