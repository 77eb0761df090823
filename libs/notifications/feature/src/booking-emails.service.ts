import { Injectable, Logger } from '@nestjs/common';
import { parseEnvelope, type EventEnvelope } from '@rentguy/contracts';
import { BookingStayRepository, type BookingStayEntity } from '@rentguy/notifications/data-access';
import { InjectConfig, type ConfigOf } from '@rentguy/platform/config';
import type { EntityManager } from 'typeorm';
import { DeliveryService } from './delivery.service';
import { notificationsConfig } from './notifications.config';
import { RecipientDirectory, type Recipient } from './recipient-directory.service';

/** Payment deadlines are written in UTC until the recipient directory knows a user's time zone. */
export const DEADLINE_TIME_ZONE = 'UTC';

/**
 * The booking lifecycle's emails, each recorded in the caller's inbox transaction: "pay before …"
 * on a hold, the guest's confirmation and the host's "new booking", an expired hold, a failed
 * payment. `booking.expired` and `payment.failed` carry ids only; they are written up from the stay
 * recorded at `booking.held` (docs/architecture.md, Notifications).
 */
@Injectable()
export class BookingEmails {
  private readonly logger = new Logger(BookingEmails.name);

  constructor(
    private readonly deliveries: DeliveryService,
    private readonly directory: RecipientDirectory,
    private readonly stays: BookingStayRepository,
    @InjectConfig(notificationsConfig) private readonly config: ConfigOf<typeof notificationsConfig>,
  ) {}

  async held(tx: EntityManager, event: EventEnvelope<'booking.held'>): Promise<void> {
    const { data } = event;
    await this.stays.recordHeld(tx, {
      bookingId: data.bookingId,
      propertyId: data.propertyId,
      propertyTitle: data.propertyTitle,
      hostId: data.hostId,
      guestId: data.guestId,
      guestEmail: data.guestEmail,
      guestName: data.guestName,
      checkIn: data.checkIn,
      checkOut: data.checkOut,
      totalAmount: data.totalAmount,
      currency: data.currency,
      expiresAt: new Date(data.expiresAt),
    });
    const stay = await this.stays.find(tx, data.bookingId);
    if (!stay) {
      throw new Error(`booking stay ${data.bookingId} vanished inside its own transaction`);
    }
    const guest = await this.guestOf(tx, stay);
    await this.deliveries.request(tx, event, 'booking-held', guest, {
      bookingId: data.bookingId,
      guestName: guest.name,
      propertyTitle: data.propertyTitle,
      checkIn: data.checkIn,
      checkOut: data.checkOut,
      totalAmount: data.totalAmount,
      currency: data.currency,
      expiresAt: data.expiresAt,
      paymentUrl: this.paymentPage(data.bookingId),
      timeZone: DEADLINE_TIME_ZONE,
    });
    // Payment events that overtook this hold (another topic) were parked for it: write them up now.
    for (const parked of await this.stays.unpark(tx, data.bookingId)) {
      const envelope = parseEnvelope(parked);
      if (envelope.type === 'payment.failed') {
        await this.writePaymentFailed(tx, envelope as EventEnvelope<'payment.failed'>, stay);
      }
    }
  }

  async confirmed(tx: EntityManager, event: EventEnvelope<'booking.confirmed'>): Promise<void> {
    const { data } = event;
    await this.stays.markStatus(tx, data.bookingId, 'confirmed');
    const guest = await this.directory.resolve(tx, data.guestId, {
      email: data.guestEmail,
      name: data.guestName,
      locale: data.locale,
    });
    const stay = {
      bookingId: data.bookingId,
      guestName: data.guestName,
      propertyTitle: data.propertyTitle,
      checkIn: data.checkIn,
      checkOut: data.checkOut,
      totalAmount: data.totalAmount,
      currency: data.currency,
    };
    await this.deliveries.request(tx, event, 'booking-confirmed', guest, stay);
    const host = await this.directory.find(tx, data.hostId);
    if (!host) {
      // Only a host registered before the directory existed: the guest's confirmation must not wait
      // on an address this service will never learn.
      this.logger.warn(`booking ${data.bookingId}: host ${data.hostId} is not in the directory, not told`);
      return;
    }
    await this.deliveries.request(tx, event, 'booking-new-host', host, { ...stay, hostName: host.name });
  }

  async expired(tx: EntityManager, event: EventEnvelope<'booking.expired'>): Promise<void> {
    const stay = await this.stays.markStatus(tx, event.data.bookingId, 'expired');
    if (!stay) {
      // Held before this consumer read `booking.held` (same partition, so never a race): nothing to say.
      this.logger.warn(`booking ${event.data.bookingId} expired, but its hold was never seen here`);
      return;
    }
    if (stay.status !== 'expired') {
      return; // confirmed: an expiry redelivered after the confirmation changes nothing
    }
    const guest = await this.guestOf(tx, stay);
    await this.deliveries.request(tx, event, 'hold-expired', guest, {
      bookingId: stay.bookingId,
      guestName: guest.name,
      propertyTitle: stay.propertyTitle,
      checkIn: stay.checkIn,
      checkOut: stay.checkOut,
    });
  }

  /** A failed payment; one that overtook its booking's hold is parked until the hold arrives. */
  async paymentFailed(tx: EntityManager, event: EventEnvelope<'payment.failed'>): Promise<void> {
    const stay = await this.stays.find(tx, event.data.bookingId);
    if (!stay) {
      await this.stays.park(tx, event.data.bookingId, event);
      return;
    }
    await this.writePaymentFailed(tx, event, stay);
  }

  private async writePaymentFailed(
    tx: EntityManager,
    event: EventEnvelope<'payment.failed'>,
    stay: BookingStayEntity,
  ): Promise<void> {
    const guest = await this.guestOf(tx, stay);
    // The guest can pay again while the hold lasts (as of when the payment failed).
    const stillHeld = stay.status === 'held' && stay.expiresAt.getTime() > Date.parse(event.occurredAt);
    await this.deliveries.request(tx, event, 'payment-failed', guest, {
      bookingId: stay.bookingId,
      guestName: guest.name,
      propertyTitle: stay.propertyTitle,
      totalAmount: stay.totalAmount,
      currency: stay.currency,
      ...(stillHeld && {
        retry: { paymentUrl: this.paymentPage(stay.bookingId), expiresAt: stay.expiresAt.toISOString() },
      }),
      timeZone: DEADLINE_TIME_ZONE,
    });
  }

  /** The guest from the directory, else the address the booking was made with (in English). */
  private guestOf(tx: EntityManager, stay: BookingStayEntity): Promise<Recipient> {
    return this.directory.resolve(tx, stay.guestId, {
      email: stay.guestEmail,
      name: stay.guestName,
      locale: 'en',
    });
  }

  /** Where the web app lets a guest pay for a held booking: `<its origin>/bookings/<id>/pay`. */
  private paymentPage(bookingId: string): string {
    return new URL(`/bookings/${encodeURIComponent(bookingId)}/pay`, this.config.PUBLIC_WEB_URL).toString();
  }
}
