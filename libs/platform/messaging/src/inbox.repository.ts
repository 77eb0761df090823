import type { EntityManager } from 'typeorm';
import { assertSchemaName } from '@rentguy/platform/database';

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
    return result.length > 0;
  }
}
