import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PaymentProviderName, PaymentStatus } from '@rentguy/payments/domain';

/**
 * One attempt to pay one booking through one provider. The table has no schema here on purpose:
 * it lives in the data source's schema (`payments`), which lets integration tests run migrations
 * into a schema of their own.
 */
@Entity({ name: 'payments' })
export class PaymentEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'booking_id' })
  bookingId!: string;

  @Column('uuid', { name: 'guest_id' })
  guestId!: string;

  @Column('text')
  provider!: PaymentProviderName;

  @Column('text', { name: 'provider_payment_id', nullable: true })
  providerPaymentId!: string | null;

  @Column('integer')
  amount!: number;

  @Column('char', { length: 3 })
  currency!: string;

  @Column('text')
  status!: PaymentStatus;

  @Column('text', { name: 'failure_reason', nullable: true })
  failureReason!: string | null;

  /** Refunds requested or succeeded, in minor units; never more than `amount` (a check constraint). */
  @Column('integer', { name: 'refund_committed', default: 0 })
  refundCommitted!: number;

  /** Refunds the provider has paid back. */
  @Column('integer', { name: 'refunded_amount', default: 0 })
  refundedAmount!: number;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}
