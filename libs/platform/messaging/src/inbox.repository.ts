import type { EntityManager } from 'typeorm';
import { assertSchemaName } from './outbox.migration';

/** All SQL on a schema's `inbox` table: which events each consumer group has already applied. */
export class InboxRepository {
  private readonly table: string;

  constructor(schema: string) {
    this.table = `"${assertSchemaName(schema)}".inbox`;
  }

  /**
   * Records that `consumer` applies `eventId`, in the caller's transaction. False when it was
   * recorded before, i.e. this delivery is a duplicate and must do nothing.
   */
  async record(manager: EntityManager, consumer: string, eventId: string): Promise<boolean> {
    const result = (await manager.query(
      `INSERT INTO ${this.table} (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id`,
      [consumer, eventId],
    )) as unknown[];
    return insertedRows(result) > 0;
  }
}

// TypeORM's postgres driver returns `[rows, affected]` for some DML and plain rows for others.
function insertedRows(result: unknown[]): number {
  if (result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[1];
  }
  return result.length;
}
