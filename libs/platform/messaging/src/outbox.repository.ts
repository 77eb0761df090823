import type { EntityManager, QueryRunner } from 'typeorm';
import { assertSchemaName } from '@rentguy/platform/database';

export interface NewOutboxRow {
  eventId: string;
  topic: string;
  key: string;
  type: string;
  /** The envelope, as JSON text. */
  payload: string;
  headers: Record<string, string>;
}

export interface PendingOutboxRow {
  id: string;
  eventId: string;
  topic: string;
  key: string;
  type: string;
  payload: string;
  headers: Record<string, string>;
}

export interface OutboxStats {
  backlog: number;
  oldestAgeSeconds: number;
}

interface PendingRecord {
  id: string;
  event_id: string;
  topic: string;
  key: string;
  type: string;
  payload: string;
  headers: Record<string, string>;
}

/** All SQL on a schema's `outbox` table. Parameterised; the schema name is validated once here. */
export class OutboxRepository {
  private readonly table: string;
  private readonly relayLockName: string;

  constructor(schema: string) {
    this.table = `"${assertSchemaName(schema)}".outbox`;
    this.relayLockName = `${schema}.outbox_relay`;
  }

  /** Inserts through the caller's manager, so the row commits or rolls back with the caller's work. */
  async insert(manager: EntityManager, row: NewOutboxRow): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.table} (event_id, topic, key, type, payload, headers) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)`,
      [row.eventId, row.topic, row.key, row.type, row.payload, JSON.stringify(row.headers)],
    );
  }

  /**
   * Within the runner's open transaction: takes the relay lock of this schema (false if another
   * relay holds it) — only one relay publishes at a time, otherwise a second replica skipping the
   * first one's locked rows would publish a key's later events before its earlier ones.
   */
  async tryLockRelay(runner: QueryRunner): Promise<boolean> {
    const rows = (await runner.query('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [
      this.relayLockName,
    ])) as { locked: boolean }[];
    return rows[0]?.locked === true;
  }

  /** Oldest unpublished rows first, row-locked until the runner's transaction ends. */
  async claimPending(runner: QueryRunner, limit: number): Promise<PendingOutboxRow[]> {
    const rows = (await runner.query(
      `SELECT id, event_id, topic, key, type, payload::text AS payload, headers
         FROM ${this.table}
        WHERE published_at IS NULL
        ORDER BY id
        LIMIT $1
        FOR UPDATE SKIP LOCKED`,
      [limit],
    )) as PendingRecord[];
    return rows.map((r) => ({
      id: r.id,
      eventId: r.event_id,
      topic: r.topic,
      key: r.key,
      type: r.type,
      payload: r.payload,
      headers: r.headers,
    }));
  }

  async markPublished(runner: QueryRunner, ids: string[]): Promise<void> {
    await runner.query(
      `UPDATE ${this.table} SET published_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = ANY($1::bigint[])`,
      [ids],
    );
  }

  async markFailed(runner: QueryRunner, ids: string[], error: string): Promise<void> {
    await runner.query(
      `UPDATE ${this.table} SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::bigint[])`,
      [ids, error],
    );
  }

  /** Backlog size and age of the oldest unpublished row; served by the partial index. */
  async stats(manager: EntityManager): Promise<OutboxStats> {
    const rows = (await manager.query(
      `SELECT count(*)::int AS backlog,
              coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS oldest
         FROM ${this.table}
        WHERE published_at IS NULL`,
    )) as { backlog: number; oldest: number }[];
    return { backlog: rows[0]?.backlog ?? 0, oldestAgeSeconds: rows[0]?.oldest ?? 0 };
  }

  /** Deletes up to `limit` rows published more than `days` days ago; returns how many went. */
  async deletePublishedBefore(manager: EntityManager, days: number, limit: number): Promise<number> {
    const result = (await manager.query(
      `DELETE FROM ${this.table}
        WHERE id IN (
          SELECT id FROM ${this.table}
           WHERE published_at IS NOT NULL AND published_at < now() - make_interval(days => $1)
           ORDER BY published_at
           LIMIT $2)`,
      [days, limit],
    )) as [unknown[], number];
    // TypeORM's postgres driver answers DELETE with [rows, affected].
    return result[1];
  }
}
