import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { DeliveryEntity, type DeliveryStatus } from './delivery.entity';

export interface NewDelivery {
  eventId: string;
  template: string;
  category: string;
  recipient: string;
  recipientId: string | null;
  locale: string;
  subject: string;
  payload: object;
  occurredAt: Date;
  /** `queued` to send it, `suppressed` when a preference switched it off. */
  status: Extract<DeliveryStatus, 'queued' | 'suppressed'>;
}

export interface DeliveryFilter {
  recipientId?: string;
  /** An address, compared without case. */
  recipientEmail?: string;
  status?: DeliveryStatus;
  template?: string;
}

/** Where a page of deliveries continues: after this row, newest first. */
export interface DeliveryPageKey {
  /** PostgreSQL's text of `created_at` (microseconds kept, unlike a JS Date). */
  createdAt: string;
  id: string;
}

export type ListedDelivery = DeliveryEntity & { pageKey: DeliveryPageKey };

interface DeliveryRow {
  id: string;
  event_id: string;
  template: string;
  category: string;
  recipient: string;
  recipient_id: string | null;
  locale: string;
  subject: string;
  payload: unknown;
  status: DeliveryStatus;
  attempts: number;
  last_error: string | null;
  occurred_at: Date | null;
  created_at: Date;
  created_at_key: string;
  updated_at: Date;
  sent_at: Date | null;
  provider_message_id: string | null;
}

/** The delivery ledger in `notifications.deliveries`. */
@Injectable()
export class DeliveryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records a delivery inside the caller's transaction, or finds the one already recorded for the
   * same (event, template, recipient).
   */
  async record(
    manager: EntityManager,
    delivery: NewDelivery,
  ): Promise<{ id: string; status: DeliveryStatus; created: boolean }> {
    const inserted: { id: string }[] = await manager.query(
      `INSERT INTO notifications.deliveries
              (id, event_id, template, category, recipient, recipient_id, locale, subject, payload, occurred_at, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (event_id, template, (COALESCE(recipient_id::text, recipient))) DO NOTHING
       RETURNING id`,
      [
        randomUUID(),
        delivery.eventId,
        delivery.template,
        delivery.category,
        delivery.recipient,
        delivery.recipientId,
        delivery.locale,
        delivery.subject,
        JSON.stringify(delivery.payload),
        delivery.occurredAt,
        delivery.status,
      ],
    );
    if (inserted[0]) {
      return { id: inserted[0].id, status: delivery.status, created: true };
    }
    const existing: { id: string; status: DeliveryStatus }[] = await manager.query(
      `SELECT id, status FROM notifications.deliveries
        WHERE event_id = $1 AND template = $2 AND COALESCE(recipient_id::text, recipient) = $3`,
      [delivery.eventId, delivery.template, delivery.recipientId ?? delivery.recipient],
    );
    if (!existing[0]) {
      throw new Error(`delivery for event ${delivery.eventId} conflicted but cannot be found`);
    }
    return { ...existing[0], created: false };
  }

  findById(id: string): Promise<DeliveryEntity | null> {
    return this.dataSource.getRepository(DeliveryEntity).findOneBy({ id });
  }

  /** Counts an attempt on a queued delivery; undefined when the delivery is not queued (or gone). */
  async startAttempt(id: string): Promise<DeliveryEntity | undefined> {
    const result = await this.dataSource.query(
      `UPDATE notifications.deliveries SET attempts = attempts + 1, updated_at = now() WHERE id = $1 AND status = 'queued'`,
      [id],
    );
    return affected(result) > 0 ? ((await this.findById(id)) ?? undefined) : undefined;
  }

  /**
   * Marks a queued delivery sent; false when it was not queued any more. `payload` replaces the
   * stored one (a template's secrets are not kept once the email is out).
   */
  async markSent(id: string, providerMessageId: string, payload: unknown): Promise<boolean> {
    const result = await this.dataSource.query(
      `UPDATE notifications.deliveries
          SET status = 'sent', sent_at = now(), updated_at = now(), provider_message_id = $2, last_error = NULL,
              payload = $3
        WHERE id = $1 AND status = 'queued'`,
      [id, providerMessageId, JSON.stringify(payload)],
    );
    return affected(result) > 0;
  }

  /**
   * Keeps the error of an attempt; a final one also moves the delivery to `failed` and, when given,
   * replaces its payload (as `markSent` does).
   */
  async recordFailure(id: string, error: string, final: boolean, payload?: unknown): Promise<void> {
    await this.dataSource.query(
      `UPDATE notifications.deliveries
          SET last_error = $2, updated_at = now(), status = CASE WHEN $3::boolean THEN 'failed' ELSE status END,
              payload = CASE WHEN $3::boolean AND $4::jsonb IS NOT NULL THEN $4::jsonb ELSE payload END
        WHERE id = $1 AND status = 'queued'`,
      [id, error, final, payload === undefined ? null : JSON.stringify(payload)],
    );
  }

  /** Ids of deliveries still queued since before `createdBefore`, oldest first. */
  async findStaleQueued(createdBefore: Date, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM notifications.deliveries
        WHERE status = 'queued' AND created_at < $1
        ORDER BY created_at
        LIMIT $2`,
      [createdBefore, limit],
    );
    return rows.map((row) => row.id);
  }

  /** Deliveries matching `filter`, newest first, strictly after `after`. */
  async list(filter: DeliveryFilter, limit: number, after?: DeliveryPageKey): Promise<ListedDelivery[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: (placeholder: string) => string, value: unknown): void => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (filter.recipientId !== undefined) {
      add((p) => `recipient_id = ${p}`, filter.recipientId);
    }
    if (filter.recipientEmail !== undefined) {
      add((p) => `lower(recipient) = lower(${p})`, filter.recipientEmail);
    }
    if (filter.status !== undefined) {
      add((p) => `status = ${p}`, filter.status);
    }
    if (filter.template !== undefined) {
      add((p) => `template = ${p}`, filter.template);
    }
    if (after !== undefined) {
      params.push(after.createdAt, after.id);
      where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(limit);
    const rows: DeliveryRow[] = await this.dataSource.query(
      `SELECT *, created_at::text AS created_at_key FROM notifications.deliveries
        ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY created_at DESC, id DESC
        LIMIT $${params.length}`,
      params,
    );
    return rows.map(toListed);
  }
}

function toListed(row: DeliveryRow): ListedDelivery {
  return Object.assign(new DeliveryEntity(), {
    id: row.id,
    eventId: row.event_id,
    template: row.template,
    category: row.category,
    recipient: row.recipient,
    recipientId: row.recipient_id,
    locale: row.locale,
    subject: row.subject,
    payload: row.payload,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    occurredAt: row.occurred_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    sentAt: row.sent_at,
    providerMessageId: row.provider_message_id,
    pageKey: { createdAt: row.created_at_key, id: row.id },
  });
}

/** Postgres UPDATE through `DataSource.query` resolves to `[rows, rowCount]`. */
function affected(result: unknown): number {
  return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
}
