import { Injectable } from '@nestjs/common';
import type { Tx } from '@rentguy/platform/database';
import { DataSource } from 'typeorm';
import type { WebhookDelivery, PaymentProviderName } from '@rentguy/payments/domain';
import { WebhookEventEntity } from './webhook-event.entity';
import { qualifiedTable } from './qualified-table.util';

interface EventRow {
  id: string;
  provider: PaymentProviderName;
  event_id: string;
  type: string;
  payload: Record<string, unknown>;
  attempts: number;
}

export interface StoredWebhookEvent extends WebhookDelivery {
  id: string;
  provider: PaymentProviderName;
  attempts: number;
}

function eventOf(row: EventRow): StoredWebhookEvent {
  return {
    id: row.id,
    provider: row.provider,
    eventId: row.event_id,
    type: row.type,
    payload: row.payload,
    attempts: row.attempts,
  };
}

/** All SQL on the webhook inbox. */
@Injectable()
export class WebhookEventRepository {
  private readonly table: string;

  constructor(private readonly dataSource: DataSource) {
    this.table = qualifiedTable(dataSource, WebhookEventEntity);
  }

  /** Stores a delivery once per `(provider, event id)`; false when it was already stored. */
  /** The stored event, to process at once; null when the inbox already held it (a redelivery). */
  async insertIfNew(
    provider: PaymentProviderName,
    delivery: WebhookDelivery,
  ): Promise<StoredWebhookEvent | null> {
    const rows = (await this.dataSource.query(
      `INSERT INTO ${this.table} (provider, event_id, type, payload) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (provider, event_id) DO NOTHING
       RETURNING id, provider, event_id, type, payload, attempts`,
      [provider, delivery.eventId, delivery.type, JSON.stringify(delivery.payload)],
    )) as EventRow[];
    return rows[0] ? eventOf(rows[0]) : null;
  }

  /**
   * Records, in the caller's transaction, that the news a fetch returned (`newsId`, e.g. a Mollie
   * payment's id and status) is being applied; false when it was applied before, so concurrent and
   * repeated pings that fetched the same state have one effect. Stored as processed at once.
   */
  async insertFetchedNews(
    tx: Tx,
    provider: PaymentProviderName,
    newsId: string,
    payload: Record<string, unknown>,
  ): Promise<boolean> {
    const rows = (await tx.query(
      `INSERT INTO ${this.table} (provider, event_id, type, payload, processed_at, attempts)
       VALUES ($1, $2, 'payment.fetched', $3::jsonb, now(), 1)
       ON CONFLICT (provider, event_id) DO NOTHING
       RETURNING id`,
      [provider, `fetched:${newsId}`, JSON.stringify(payload)],
    )) as { id: string }[];
    return rows.length > 0;
  }

  async findUnprocessed(provider: PaymentProviderName, eventId: string): Promise<StoredWebhookEvent | null> {
    const rows = (await this.dataSource.query(
      `SELECT id, provider, event_id, type, payload, attempts FROM ${this.table}
        WHERE provider = $1 AND event_id = $2 AND processed_at IS NULL`,
      [provider, eventId],
    )) as EventRow[];
    return rows[0] ? eventOf(rows[0]) : null;
  }

  /**
   * Locks an unprocessed event for the caller's transaction. False when another delivery or replica
   * holds it or it is already processed: concurrent deliveries then process it exactly once.
   */
  async claim(tx: Tx, id: string): Promise<boolean> {
    const rows = (await tx.query(
      `SELECT id FROM ${this.table} WHERE id = $1 AND processed_at IS NULL FOR UPDATE SKIP LOCKED`,
      [id],
    )) as { id: string }[];
    return rows.length > 0;
  }

  async markProcessed(tx: Tx, id: string): Promise<void> {
    await tx.query(
      `UPDATE ${this.table} SET processed_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = $1`,
      [id],
    );
  }

  async recordFailure(id: string, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${this.table} SET attempts = attempts + 1, last_error = $2 WHERE id = $1`,
      [id, error.slice(0, 2000)],
    );
  }

  /** Events still waiting (their in-process run failed or never happened), oldest first. */
  async findUnprocessedBatch(maxAttempts: number, limit: number): Promise<StoredWebhookEvent[]> {
    const rows = (await this.dataSource.query(
      `SELECT id, provider, event_id, type, payload, attempts FROM ${this.table}
        WHERE processed_at IS NULL AND attempts < $1
        ORDER BY id
        LIMIT $2`,
      [maxAttempts, limit],
    )) as EventRow[];
    return rows.map(eventOf);
  }
}
