import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { sqlStateOf } from './sql-result.util';

/**
 * An open database transaction of the rentals schema. Services hand it to repositories and to the
 * outbox writer untouched, so a state change and its event commit together.
 */
export type Tx = EntityManager;

/**
 * SQLSTATEs after which PostgreSQL asks the client to run the transaction again. Concurrent inserts
 * that conflict on the bookings exclusion constraint can wait on each other's index entries and
 * deadlock (40P01); rerunning resolves to one winner and clean 23P01 violations for the rest.
 */
const RETRYABLE = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 3;

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
        const state = sqlStateOf(error);
        if (attempt >= MAX_ATTEMPTS || state === undefined || !RETRYABLE.has(state)) {
          throw error;
        }
      }
    }
  }
}
