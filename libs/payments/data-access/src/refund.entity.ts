import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PaymentProviderName, RefundReason, RefundStatus } from '@rentguy/payments/domain';

/** Money given back on one payment, through the provider that took it. */
@Entity({ name: 'refunds' })
export class RefundEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'payment_id' })
  paymentId!: string;

  @Column('uuid', { name: 'booking_id' })
  bookingId!: string;

  @Column('text')
  provider!: PaymentProviderName;

  @Column('text', { name: 'provider_refund_id', nullable: true })
  providerRefundId!: string | null;

  @Column('integer')
  amount!: number;

  @Column('char', { length: 3 })
  currency!: string;

  @Column('text')
  reason!: RefundReason;

  @Column('text')
  status!: RefundStatus;

  @Column('text', { name: 'failure_reason', nullable: true })
  failureReason!: string | null;

  /** What the refund pays back (`cancel:<booking>`, `rejected:<payment>`…): one refund per debt. */
  @Column('text', { name: 'owed_key', nullable: true })
  owedKey!: string | null;

  /** The admin who asked for a goodwill refund. */
  @Column('uuid', { name: 'requested_by', nullable: true })
  requestedBy!: string | null;

  @Column('text', { nullable: true })
  note!: string | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}
