import { Injectable } from '@nestjs/common';
import type { Tx } from '@rentguy/platform/database';
import { DataSource } from 'typeorm';
import type { PaymentProviderName, PaymentStatus } from '@rentguy/payments/domain';
import { BookingProjectionEntity } from './booking-projection.entity';
import { PaymentEntity } from './payment.entity';
import { qualifiedTable } from './qualified-table.util';

interface PaymentRow {
  id: string;
  booking_id: string;
  guest_id: string;
  provider: PaymentProviderName;
  provider_payment_id: string | null;
  amount: number;
  currency: string;
  status: PaymentStatus;
  failure_reason: string | null;
  refund_committed: number;
  refunded_amount: number;
  created_at: Date;
  updated_at: Date;
}

export type Payment = PaymentEntity;

export interface NewPayment {
  id: string;
  bookingId: string;
  guestId: string;
  provider: PaymentProviderName;
  amount: number;
  currency: string;
}

const COLUMNS = `id, booking_id, guest_id, provider, provider_payment_id, amount, currency, status, failure_reason, refund_committed, refunded_amount, created_at, updated_at`;

function paymentOf(row: PaymentRow): Payment {
  return {
    id: row.id,
    bookingId: row.booking_id,
    guestId: row.guest_id,
    provider: row.provider,
    providerPaymentId: row.provider_payment_id,
    amount: row.amount,
    currency: row.currency,
    status: row.status,
    failureReason: row.failure_reason,
    refundCommitted: row.refund_committed,
    refundedAmount: row.refunded_amount,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** All SQL on `payments`. */
@Injectable()
export class PaymentRepository {
  private readonly table: string;
  private readonly projectionTable: string;

  constructor(private readonly dataSource: DataSource) {
    this.table = qualifiedTable(dataSource, PaymentEntity);
    this.projectionTable = qualifiedTable(dataSource, BookingProjectionEntity);
  }

  /** The booking's most recent payment in one of `statuses`. */
  async findLatestForBooking(
    tx: Tx,
    bookingId: string,
    statuses: readonly PaymentStatus[],
  ): Promise<Payment | null> {
    const rows = (await tx.query(
      `SELECT ${COLUMNS} FROM ${this.table} WHERE booking_id = $1 AND status = ANY($2::text[]) ORDER BY created_at DESC LIMIT 1`,
      [bookingId, statuses],
    )) as PaymentRow[];
    return rows[0] ? paymentOf(rows[0]) : null;
  }

  async insert(tx: Tx, payment: NewPayment): Promise<Payment> {
    const rows = (await tx.query(
      `INSERT INTO ${this.table} (id, booking_id, guest_id, provider, amount, currency, status)
       VALUES ($1, $2, $3, $4, $5, $6, 'created')
       RETURNING ${COLUMNS}`,
      [payment.id, payment.bookingId, payment.guestId, payment.provider, payment.amount, payment.currency],
    )) as PaymentRow[];
    return paymentOf(rows[0] as PaymentRow);
  }

  /**
   * Records the provider's id once the provider has the payment. Only `created` becomes `pending`:
   * a webhook may already have moved the payment further.
   */
  async attachProviderPayment(id: string, providerPaymentId: string): Promise<Payment> {
    const rows = (await this.dataSource.query(
      `UPDATE ${this.table}
          SET provider_payment_id = $2,
              status = CASE WHEN status = 'created' THEN 'pending' ELSE status END,
              updated_at = now()
        WHERE id = $1
        RETURNING ${COLUMNS}`,
      [id, providerPaymentId],
    )) as [PaymentRow[], number];
    return paymentOf(rows[0][0] as PaymentRow);
  }

  /**
   * Locks the payment a provider reports on, found by the provider's id or by our id echoed back
   * in the provider's metadata (a webhook can beat us to storing the provider id).
   */
  async lockByProviderReference(
    tx: Tx,
    provider: PaymentProviderName,
    providerPaymentId: string,
    paymentId: string | null,
  ): Promise<Payment | null> {
    const rows = (await tx.query(
      `SELECT ${COLUMNS} FROM ${this.table}
        WHERE provider = $1 AND (provider_payment_id = $2 OR id = $3::uuid)
        ORDER BY (provider_payment_id = $2) DESC NULLS LAST
        LIMIT 1
        FOR UPDATE`,
      [provider, providerPaymentId, paymentId],
    )) as PaymentRow[];
    return rows[0] ? paymentOf(rows[0]) : null;
  }

  /**
   * Locks, in one statement and in id order, every payment that one of `references` names (by the
   * provider's id, or by ours); `lockByProviderReference` matches each of them the same way.
   */
  async lockManyByProviderReference(
    tx: Tx,
    references: readonly {
      provider: PaymentProviderName;
      providerPaymentId: string;
      paymentId: string | null;
    }[],
  ): Promise<Payment[]> {
    if (references.length === 0) {
      return [];
    }
    const rows = (await tx.query(
      `SELECT ${COLUMNS} FROM ${this.table}
        WHERE (provider = ANY($1::text[]) AND provider_payment_id = ANY($2::text[]))
           OR id = ANY($3::uuid[])
        ORDER BY id
        FOR UPDATE`,
      [
        [...new Set(references.map((r) => r.provider))],
        references.map((r) => r.providerPaymentId),
        references.flatMap((r) => (r.paymentId === null ? [] : [r.paymentId])),
      ],
    )) as PaymentRow[];
    return rows.map(paymentOf);
  }

  async updateStatus(
    tx: Tx,
    id: string,
    change: { status: PaymentStatus; failureReason: string | null; providerPaymentId: string },
  ): Promise<Payment> {
    const rows = (await tx.query(
      `UPDATE ${this.table}
          SET status = $2,
              failure_reason = coalesce($3, failure_reason),
              provider_payment_id = coalesce(provider_payment_id, $4),
              updated_at = now()
        WHERE id = $1
        RETURNING ${COLUMNS}`,
      [id, change.status, change.failureReason, change.providerPaymentId],
    )) as [PaymentRow[], number];
    return paymentOf(rows[0][0] as PaymentRow);
  }

  /**
   * Of these bookings, each one's earliest succeeded payment (money taken and not refunded). A
   * booking with none is left out.
   */
  async findSucceededForBookings(bookingIds: readonly string[]): Promise<Payment[]> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT ON (booking_id) ${COLUMNS} FROM ${this.table}
        WHERE booking_id = ANY($1::uuid[]) AND status = 'succeeded'
        ORDER BY booking_id, updated_at`,
      [bookingIds],
    )) as PaymentRow[];
    return rows.map(paymentOf);
  }

  /** Pending payments not heard of since `before`, oldest first. */
  async findPendingSince(before: Date, limit: number): Promise<Payment[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM ${this.table}
        WHERE status = 'pending' AND updated_at < $1 AND provider_payment_id IS NOT NULL
        ORDER BY updated_at
        LIMIT $2`,
      [before, limit],
    )) as PaymentRow[];
    return rows.map(paymentOf);
  }

  /** Payments the provider never confirmed creating (it was down), not touched since `before`, oldest first. */
  async findCreatedSince(before: Date, limit: number): Promise<Payment[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM ${this.table}
        WHERE status = 'created' AND updated_at < $1
        ORDER BY updated_at
        LIMIT $2`,
      [before, limit],
    )) as PaymentRow[];
    return rows.map(paymentOf);
  }

  /** Payments still in flight although their booking's hold has expired or the booking was cancelled. */
  async findInFlightOfExpiredBookings(limit: number): Promise<Payment[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM ${this.table} p
        WHERE p.status IN ('created', 'pending')
          AND EXISTS (SELECT 1 FROM ${this.projectionTable} b WHERE b.booking_id = p.booking_id AND b.status IN ('expired', 'cancelled'))
        ORDER BY p.updated_at
        LIMIT $1`,
      [limit],
    )) as PaymentRow[];
    return rows.map(paymentOf);
  }

  /** Withdraws a payment that never reached the guest; false when it had already moved on. */
  async cancelCreated(tx: Tx, id: string, reason: string): Promise<boolean> {
    const rows = (await tx.query(
      `UPDATE ${this.table} SET status = 'canceled', failure_reason = $2, updated_at = now()
        WHERE id = $1 AND status = 'created'
        RETURNING id`,
      [id, reason],
    )) as [unknown[], number];
    return rows[0].length > 0;
  }

  /** Row-locks our payment by id, for refunds against it. */
  async lockById(tx: Tx, id: string): Promise<Payment | null> {
    const rows = (await tx.query(`SELECT ${COLUMNS} FROM ${this.table} WHERE id = $1 FOR UPDATE`, [
      id,
    ])) as PaymentRow[];
    return rows[0] ? paymentOf(rows[0]) : null;
  }

  async findById(id: string): Promise<Payment | null> {
    const rows = (await this.dataSource.query(`SELECT ${COLUMNS} FROM ${this.table} WHERE id = $1`, [
      id,
    ])) as PaymentRow[];
    return rows[0] ? paymentOf(rows[0]) : null;
  }

  /** A refund the provider refused gives its share of the committed total back. */
  async releaseRefund(tx: Tx, id: string, amount: number): Promise<void> {
    await tx.query(
      `UPDATE ${this.table} SET refund_committed = refund_committed - $2, updated_at = now() WHERE id = $1`,
      [id, amount],
    );
  }

  /** A refund the provider paid: the refunded total grows, and the payment is partially or fully refunded. */
  async settleRefund(tx: Tx, id: string, amount: number): Promise<Payment> {
    const rows = (await tx.query(
      `UPDATE ${this.table}
          SET refunded_amount = refunded_amount + $2,
              status = CASE WHEN refunded_amount + $2 >= amount THEN 'refunded' ELSE 'partially_refunded' END,
              updated_at = now()
        WHERE id = $1
        RETURNING ${COLUMNS}`,
      [id, amount],
    )) as [PaymentRow[], number];
    return paymentOf(rows[0][0] as PaymentRow);
  }

  /** Every payment of the booking that took money, oldest first. */
  async findPaidForBooking(tx: Tx, bookingId: string): Promise<Payment[]> {
    const rows = (await tx.query(
      `SELECT ${COLUMNS} FROM ${this.table}
        WHERE booking_id = $1 AND status IN ('succeeded', 'partially_refunded', 'refunded')
        ORDER BY updated_at, id`,
      [bookingId],
    )) as PaymentRow[];
    return rows.map(paymentOf);
  }

  /** Marks a pending payment as checked, so the next reconciliation round asks about others first. */
  async touchPending(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${this.table} SET updated_at = now() WHERE id = $1 AND status = 'pending'`,
      [id],
    );
  }
}
