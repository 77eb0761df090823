import type { BookingStatus, CancellationPolicy, PriceBreakdown } from '@rentguy/rentals/domain';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A stay `[checkIn, checkOut)` of one property. The generated `stay` daterange column and the
 * exclusion constraint on it live in the migration only: the database, not this class, prevents
 * double bookings.
 */
@Entity({ schema: 'rentals', name: 'bookings' })
export class BookingEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'property_id' })
  propertyId!: string;

  @Column('uuid', { name: 'guest_id' })
  guestId!: string;

  @Column('text', { name: 'guest_email' })
  guestEmail!: string;

  @Column('text', { name: 'guest_name' })
  guestName!: string;

  /** ISO date `YYYY-MM-DD`. */
  @Column('date', { name: 'check_in' })
  checkIn!: string;

  /** ISO date `YYYY-MM-DD`, the departure day. */
  @Column('date', { name: 'check_out' })
  checkOut!: string;

  @Column('integer')
  guests!: number;

  @Column('text')
  status!: BookingStatus;

  @Column('integer', { name: 'total_amount' })
  totalAmount!: number;

  @Column('char', { length: 3 })
  currency!: string;

  @Column('jsonb', { name: 'price_breakdown' })
  priceBreakdown!: PriceBreakdown;

  /** The property's policy when the booking was made; later changes to the property leave it. */
  @Column('text', { name: 'cancellation_policy', default: 'flexible' })
  cancellationPolicy!: CancellationPolicy;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt!: Date;

  @Column('timestamptz', { name: 'confirmed_at', nullable: true })
  confirmedAt!: Date | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;
}
