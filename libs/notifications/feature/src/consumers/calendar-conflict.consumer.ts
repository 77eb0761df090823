import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventEnvelope } from '@rentguy/contracts';
import { InboxContext, OnEvent } from '@rentguy/platform/messaging';
import { DeliveryService } from '../delivery.service';
import { RecipientDirectory } from '../recipient-directory.service';
import { UnknownRecipientError } from './user-events.consumer';

/**
 * `calendar.conflict` → the host's calendar-conflict email, through the ledger like every email.
 * The event carries no address (rentals does not keep hosts' emails): for a host the directory does
 * not know, the event is retried, then dead-lettered (and can be redriven), never guessed at.
 */
@Controller()
export class CalendarConflictConsumer {
  constructor(
    private readonly deliveries: DeliveryService,
    private readonly directory: RecipientDirectory,
  ) {}

  @OnEvent('calendar.conflict')
  async onCalendarConflict(
    @Payload() event: EventEnvelope<'calendar.conflict'>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    const { data } = event;
    const host = await this.directory.find(inbox.tx, data.hostId);
    if (!host) {
      throw new UnknownRecipientError(data.hostId);
    }
    await this.deliveries.request(inbox.tx, event, 'calendar-conflict', host, {
      bookingId: data.bookingId,
      hostName: host.name,
      propertyTitle: data.propertyTitle,
      checkIn: data.checkIn,
      checkOut: data.checkOut,
      calendarName: data.calendarName,
    });
  }
}
