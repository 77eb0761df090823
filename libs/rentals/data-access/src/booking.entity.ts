import type {
  BookingStatus,
  CancellationActor,
  CancellationPolicy,
  CancellationQuote,
  PriceBreakdown,
} from '@rentguy/rentals/domain';
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
  @Column('text', { name: 'cancellation_policy', default: 'moderate' })
  cancellationPolicy!: CancellationPolicy;

  /** The version of that policy's rules (`CANCELLATION_POLICY_VERSIONS`) the booking was held under. */
  @Column('integer', { name: 'cancellation_policy_version', default: 1 })
  cancellationPolicyVersion!: number;

  @Column('timestamptz', { name: 'cancelled_at', nullable: true })
  cancelledAt!: Date | null;

  @Column('text', { name: 'cancelled_by', nullable: true })
  cancelledBy!: CancellationActor | null;

  /** What the cancellation refunds, as quoted at the moment it happened. */
  @Column('jsonb', { name: 'cancellation_quote', nullable: true })
  cancellationQuote!: CancellationQuote | null;

  /** The `Idempotency-Key` of the cancel request that cancelled it, so a retry gets the same answer. */
  @Column('text', { name: 'cancel_idempotency_key', nullable: true })
  cancelIdempotencyKey!: string | null;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt!: Date;

  @Column('timestamptz', { name: 'confirmed_at', nullable: true })
  confirmedAt!: Date | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;
}
