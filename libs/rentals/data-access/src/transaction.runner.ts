import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * An open database transaction of the rentals schema. Services hand it to repositories and to the
 * outbox writer untouched, so a state change and its event commit together.
 */
export type Tx = EntityManager;

/** Runs work in one transaction: committed when `work` resolves, rolled back when it throws. */
@Injectable()
export class TransactionRunner {
  constructor(private readonly dataSource: DataSource) {}

  run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
