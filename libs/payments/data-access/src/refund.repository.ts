import { Injectable } from '@nestjs/common';
import { sqlStateOf, type Tx } from '@rentguy/platform/database';
import { DataSource } from 'typeorm';
import type { PaymentProviderName, RefundReason, RefundStatus } from '@rentguy/payments/domain';
import { PaymentEntity } from './payment.entity';
import { qualifiedTable } from './qualified-table.util';
import { RefundEntity } from './refund.entity';

interface RefundRow {
  id: string;
  payment_id: string;
  booking_id: string;
  provider: PaymentProviderName;
  provider_refund_id: string | null;
  amount: number;
  currency: string;
  reason: RefundReason;
  status: RefundStatus;
  failure_reason: string | null;
  owed_key: string | null;
  requested_by: string | null;
  note: string | null;
  created_at: Date;
  updated_at: Date;
}

export type Refund = RefundEntity;

export interface NewRefund {
  id: string;
  paymentId: string;
  bookingId: string;
  provider: PaymentProviderName;
  amount: number;
  currency: string;
  reason: RefundReason;
  owedKey: string | null;
  requestedBy: string | null;
  note: string | null;
}

const COLUMNS = `id, payment_id, booking_id, provider, provider_refund_id, amount, currency, reason, status,
  failure_reason, owed_key, requested_by, note, created_at, updated_at`;

/** SQLSTATE of a check constraint violation: here, refunds above what the payment captured. */
const CHECK_VIOLATION = '23514';

function refundOf(row: RefundRow): Refund {
  return {
    id: row.id,
    paymentId: row.payment_id,
    bookingId: row.booking_id,
    provider: row.provider,
    providerRefundId: row.provider_refund_id,
    amount: row.amount,
    currency: row.currency,
    reason: row.reason,
    status: row.status,
    failureReason: row.failure_reason,
    owedKey: row.owed_key,
    requestedBy: row.requested_by,
    note: row.note,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Thrown when a refund would take the payment's refunds above what it captured. */
export class RefundExceedsCapturedError extends Error {
  constructor(readonly paymentId: string) {
    super(`refunds of payment ${paymentId} would exceed what it captured`);
    this.name = 'RefundExceedsCapturedError';
  }
}

/** All SQL on `refunds`. */
@Injectable()
export class RefundRepository {
  private readonly table: string;
  private readonly paymentsTable: string;

  constructor(private readonly dataSource: DataSource) {
    this.table = qualifiedTable(dataSource, RefundEntity);
    this.paymentsTable = qualifiedTable(dataSource, PaymentEntity);
  }

  /**
   * Records a requested refund and adds it to the payment's committed total, in a savepoint of
   * `tx`: null when this debt (`owedKey`) was already recorded, RefundExceedsCapturedError when the
   * database's constraint refuses the total. Either way `tx` stays usable.
   */
  async insertRequested(tx: Tx, refund: NewRefund): Promise<Refund | null> {
    try {
      return await tx.transaction(async (savepoint) => {
        const rows = (await savepoint.query(
          `INSERT INTO ${this.table}
             (id, payment_id, booking_id, provider, amount, currency, reason, status, owed_key, requested_by, note)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'requested', $8, $9, $10)
           ON CONFLICT (owed_key) DO NOTHING
           RETURNING ${COLUMNS}`,
          [
            refund.id,
            refund.paymentId,
            refund.bookingId,
            refund.provider,
            refund.amount,
            refund.currency,
            refund.reason,
            refund.owedKey,
            refund.requestedBy,
            refund.note,
          ],
        )) as RefundRow[];
        if (!rows[0]) {
          return null;
        }
        await savepoint.query(
          `UPDATE ${this.paymentsTable} SET refund_committed = refund_committed + $2, updated_at = now() WHERE id = $1`,
          [refund.paymentId, refund.amount],
        );
        return refundOf(rows[0]);
      });
    } catch (error) {
      if (sqlStateOf(error) === CHECK_VIOLATION) {
        throw new RefundExceedsCapturedError(refund.paymentId);
      }
      throw error;
    }
  }

  async findById(id: string): Promise<Refund | null> {
    const rows = (await this.dataSource.query(`SELECT ${COLUMNS} FROM ${this.table} WHERE id = $1`, [
      id,
    ])) as RefundRow[];
    return rows[0] ? refundOf(rows[0]) : null;
  }

  /** Locks the refund a provider reports on, by its id at the provider or ours from its metadata. */
  async lockByProviderReference(
    tx: Tx,
    provider: PaymentProviderName,
    providerRefundId: string | null,
    refundId: string | null,
  ): Promise<Refund | null> {
    const rows = (await tx.query(
      `SELECT ${COLUMNS} FROM ${this.table}
        WHERE provider = $1 AND (provider_refund_id = $2 OR id = $3::uuid)
        ORDER BY (provider_refund_id = $2) DESC NULLS LAST
        LIMIT 1
        FOR UPDATE`,
      [provider, providerRefundId, refundId],
    )) as RefundRow[];
    return rows[0] ? refundOf(rows[0]) : null;
  }

  /** Records the provider's id for our refund once the provider has it. */
  async attachProviderRefund(id: string, providerRefundId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${this.table} SET provider_refund_id = coalesce(provider_refund_id, $2), updated_at = now() WHERE id = $1`,
      [id, providerRefundId],
    );
  }

  /** Moves a requested refund to its final status; false when it was not requested any more. */
  async finish(
    tx: Tx,
    id: string,
    change: {
      status: Exclude<RefundStatus, 'requested'>;
      providerRefundId: string | null;
      failureReason: string | null;
    },
  ): Promise<boolean> {
    const rows = (await tx.query(
      `UPDATE ${this.table}
          SET status = $2, provider_refund_id = coalesce(provider_refund_id, $3), failure_reason = $4, updated_at = now()
        WHERE id = $1 AND status = 'requested'
        RETURNING id`,
      [id, change.status, change.providerRefundId, change.failureReason],
    )) as [unknown[], number];
    return rows[0].length > 0;
  }

  /** Refunds still requested and not looked at since `before`, oldest first. */
  async findRequestedSince(before: Date, limit: number): Promise<Refund[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM ${this.table} WHERE status = 'requested' AND updated_at < $1 ORDER BY updated_at LIMIT $2`,
      [before, limit],
    )) as RefundRow[];
    return rows.map(refundOf);
  }

  /** Marks a requested refund as checked, so the next reconciliation round asks about others first. */
  async touchRequested(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${this.table} SET updated_at = now() WHERE id = $1 AND status = 'requested'`,
      [id],
    );
  }

  /** Requested refunds of the payment the provider knows as `providerPaymentId`. */
  async findRequestedOfProviderPayment(
    provider: PaymentProviderName,
    providerPaymentId: string,
  ): Promise<Refund[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM ${this.table}
        WHERE status = 'requested'
          AND payment_id IN (SELECT id FROM ${this.paymentsTable} WHERE provider = $1 AND provider_payment_id = $2)
        ORDER BY created_at`,
      [provider, providerPaymentId],
    )) as RefundRow[];
    return rows.map(refundOf);
  }

  /** Refunds of a payment, oldest first. */
  async findForPayment(paymentId: string): Promise<Refund[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM ${this.table} WHERE payment_id = $1 ORDER BY created_at, id`,
      [paymentId],
    )) as RefundRow[];
    return rows.map(refundOf);
  }
}
