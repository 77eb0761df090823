import { Column, Entity, PrimaryColumn } from 'typeorm';

export const BOOKING_STAY_STATUSES = ['held', 'confirmed', 'expired'] as const;
export type BookingStayStatus = (typeof BOOKING_STAY_STATUSES)[number];

/**
 * A booking as rentals' `booking.held` described it, and how far it got: notifications' own copy,
 * enough to write to the guest about it when a later event carries only its id.
 */
@Entity({ schema: 'notifications', name: 'booking_stays' })
export class BookingStayEntity {
  @PrimaryColumn('uuid', { name: 'booking_id' })
  bookingId!: string;

  @Column('uuid', { name: 'property_id' })
  propertyId!: string;

  @Column('text', { name: 'property_title' })
  propertyTitle!: string;

  @Column('uuid', { name: 'host_id' })
  hostId!: string;

  @Column('uuid', { name: 'guest_id' })
  guestId!: string;

  @Column('text', { name: 'guest_email' })
  guestEmail!: string;

  @Column('text', { name: 'guest_name' })
  guestName!: string;

  /** `YYYY-MM-DD`, as the event carried it. */
  @Column('date', { name: 'check_in' })
  checkIn!: string;

  @Column('date', { name: 'check_out' })
  checkOut!: string;

  @Column('integer', { name: 'total_amount' })
  totalAmount!: number;

  @Column('char', { length: 3 })
  currency!: string;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt!: Date;

  @Column('text')
  status!: BookingStayStatus;
}
