import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { sqlStateOf } from './sql-state.util';

/**
 * An open database transaction. Services hand it to repositories and to the outbox writer
 * untouched, so a state change and its event commit together.
 */
export type Tx = EntityManager;

/**
 * SQLSTATEs after which PostgreSQL asks the client to run the transaction again: a deadlock
 * (40P01), e.g. concurrent inserts conflicting on an exclusion constraint waiting on each other's
 * index entries, and a serialization failure (40001). Rerunning resolves to one winner.
 */
const RETRYABLE_SQL_STATES: ReadonlySet<string> = new Set(['40P01', '40001']);

/** How many times one unit of work runs at most before its last failure is rethrown. */
export const TRANSACTION_MAX_ATTEMPTS = 3;

/** Whether a transaction that failed with `error` on attempt `attempt` (1-based) is run again. */
export function shouldRetryTransaction(error: unknown, attempt: number): boolean {
  const state = sqlStateOf(error);
  return attempt < TRANSACTION_MAX_ATTEMPTS && state !== undefined && RETRYABLE_SQL_STATES.has(state);
}

/** Runs work in one transaction: committed when `work` resolves, rolled back when it throws. */
@Injectable()
export class TransactionRunner {
  constructor(private readonly dataSource: DataSource) {}

  /** `work` may run more than once (after a deadlock), so it must only touch the database. */
  async run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.dataSource.transaction(work);
      } catch (error) {
        if (!shouldRetryTransaction(error, attempt)) {
          throw error;
        }
      }
    }
  }

  /** The pool's manager, for single statements outside a unit of work. */
  get manager(): EntityManager {
    return this.dataSource.manager;
  }
}
