import { Column, Entity, PrimaryColumn } from 'typeorm';

export type ProjectedBookingStatus = 'held' | 'confirmed' | 'expired' | 'cancelled';

/** What payments knows about a booking, built from rentals' booking events (never from rentals' schema). */
@Entity({ name: 'booking_projection' })
export class BookingProjectionEntity {
  @PrimaryColumn('uuid', { name: 'booking_id' })
  bookingId!: string;

  @Column('uuid', { name: 'guest_id' })
  guestId!: string;

  @Column('integer')
  amount!: number;

  @Column('char', { length: 3 })
  currency!: string;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt!: Date;

  @Column('text')
  status!: ProjectedBookingStatus;

  /** From `booking.confirmed` / `booking.cancelled`, for the guest's refund email; '' until then. */
  @Column('text', { name: 'property_title', default: '' })
  propertyTitle!: string;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}
