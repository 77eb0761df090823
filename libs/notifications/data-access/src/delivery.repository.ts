import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { DeliveryEntity } from './delivery.entity';

export interface NewDelivery {
  eventId: string;
  template: string;
  recipient: string;
  locale: string;
  subject: string;
  payload: object;
}

/** The delivery ledger in `notifications.deliveries`. */
@Injectable()
export class DeliveryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records a pending delivery inside the caller's transaction, or finds the one already recorded
   * for the same (event, template, recipient).
   */
  async recordPending(
    manager: EntityManager,
    delivery: NewDelivery,
  ): Promise<{ id: string; created: boolean }> {
    const inserted: { id: string }[] = await manager.query(
      `INSERT INTO notifications.deliveries (id, event_id, template, recipient, locale, subject, payload)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (event_id, template, recipient) DO NOTHING
       RETURNING id`,
      [
        randomUUID(),
        delivery.eventId,
        delivery.template,
        delivery.recipient,
        delivery.locale,
        delivery.subject,
        JSON.stringify(delivery.payload),
      ],
    );
    if (inserted[0]) {
      return { id: inserted[0].id, created: true };
    }
    const existing: { id: string }[] = await manager.query(
      `SELECT id FROM notifications.deliveries WHERE event_id = $1 AND template = $2 AND recipient = $3`,
      [delivery.eventId, delivery.template, delivery.recipient],
    );
    if (!existing[0]) {
      throw new Error(`delivery for event ${delivery.eventId} conflicted but cannot be found`);
    }
    return { id: existing[0].id, created: false };
  }

  findById(id: string): Promise<DeliveryEntity | null> {
    return this.dataSource.getRepository(DeliveryEntity).findOneBy({ id });
  }

  /** Counts an attempt on a pending delivery; undefined when the delivery is not pending (or gone). */
  async startAttempt(id: string): Promise<DeliveryEntity | undefined> {
    const result = await this.dataSource.query(
      `UPDATE notifications.deliveries SET attempts = attempts + 1, updated_at = now() WHERE id = $1 AND status = 'pending'`,
      [id],
    );
    return affected(result) > 0 ? ((await this.findById(id)) ?? undefined) : undefined;
  }

  /** Marks a pending delivery sent; false when it was not pending any more. */
  async markSent(id: string, providerMessageId: string): Promise<boolean> {
    const result = await this.dataSource.query(
      `UPDATE notifications.deliveries
          SET status = 'sent', sent_at = now(), updated_at = now(), provider_message_id = $2, last_error = NULL
        WHERE id = $1 AND status = 'pending'`,
      [id, providerMessageId],
    );
    return affected(result) > 0;
  }

  /** Keeps the error of an attempt; a final one also moves the delivery to `failed`. */
  async recordFailure(id: string, error: string, final: boolean): Promise<void> {
    await this.dataSource.query(
      `UPDATE notifications.deliveries
          SET last_error = $2, updated_at = now(), status = CASE WHEN $3::boolean THEN 'failed' ELSE status END
        WHERE id = $1 AND status = 'pending'`,
      [id, error, final],
    );
  }

  /** Ids of deliveries still pending since before `createdBefore`, oldest first. */
  async findStalePending(createdBefore: Date, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM notifications.deliveries
        WHERE status = 'pending' AND created_at < $1
        ORDER BY created_at
        LIMIT $2`,
      [createdBefore, limit],
    );
    return rows.map((row) => row.id);
  }
}

/** Postgres UPDATE through `DataSource.query` resolves to `[rows, rowCount]`. */
function affected(result: unknown): number {
  return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
}
