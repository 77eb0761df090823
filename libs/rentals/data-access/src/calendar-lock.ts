import type { Tx } from '@rentguy/platform/database';

/**
 * Queues `tx` behind the property's other writers of its calendar (booking inserts, blocks, feed
 * syncs) until it ends; re-entrant within a transaction. Concurrent overlapping inserts would
 * otherwise wait on each other's exclusion-index entries and could deadlock; the exclusion
 * constraint still decides who gets the dates.
 */
export async function lockPropertyCalendar(propertyId: string, tx: Tx): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [propertyId]);
}
