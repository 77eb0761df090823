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

  /**
   * Stores each delivery once per `(provider, event id)`, all in one statement. Answers item for
   * item: the stored event, to process at once, or null when the inbox already held it (a
   * redelivery, or a second copy in the same batch).
   */
  async insertManyIfNew(
    deliveries: readonly { provider: PaymentProviderName; delivery: WebhookDelivery }[],
  ): Promise<(StoredWebhookEvent | null)[]> {
    const params: unknown[] = [];
    const values = deliveries.map(({ provider, delivery }) => {
      params.push(provider, delivery.eventId, delivery.type, JSON.stringify(delivery.payload));
      const n = params.length;
      return `($${n - 3}, $${n - 2}, $${n - 1}, $${n}::jsonb)`;
    });
    const rows = (await this.dataSource.query(
      `INSERT INTO ${this.table} (provider, event_id, type, payload) VALUES ${values.join(', ')}
       ON CONFLICT (provider, event_id) DO NOTHING
       RETURNING id, provider, event_id, type, payload, attempts`,
      params,
    )) as EventRow[];
    // PostgreSQL stores the first of two rows with one key; the first delivery with it gets the row.
    const stored = new Map(rows.map((row) => [`${row.provider} ${row.event_id}`, row]));
    return deliveries.map(({ provider, delivery }) => {
      const key = `${provider} ${delivery.eventId}`;
      const row = stored.get(key);
      stored.delete(key);
      return row ? eventOf(row) : null;
    });
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
   * Locks the given events that are still unprocessed for the caller's transaction, and answers
   * their ids. One another delivery or replica holds, or one already processed, is left out:
   * concurrent deliveries then process each event exactly once.
   */
  async claim(tx: Tx, ids: readonly string[]): Promise<Set<string>> {
    const rows = (await tx.query(
      `SELECT id FROM ${this.table} WHERE id = ANY($1::bigint[]) AND processed_at IS NULL
        ORDER BY id FOR UPDATE SKIP LOCKED`,
      [ids],
    )) as { id: string }[];
    return new Set(rows.map((row) => String(row.id)));
  }

  async markProcessed(tx: Tx, ids: readonly string[]): Promise<void> {
    await tx.query(
      `UPDATE ${this.table} SET processed_at = now(), attempts = attempts + 1, last_error = NULL
        WHERE id = ANY($1::bigint[])`,
      [ids],
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
