import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/** A unit of work: repositories and the outbox writer take its manager so they commit together. */
export type Tx = EntityManager;

@Injectable()
export class TransactionRunner {
  constructor(private readonly dataSource: DataSource) {}

  run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** The pool's manager, for single statements outside a unit of work. */
  get manager(): EntityManager {
    return this.dataSource.manager;
  }
}

/** `"schema"."table"` of an entity in the data source's schema (validated identifiers only). */
export function qualifiedTable(dataSource: DataSource, entity: object): string {
  const metadata = dataSource.getMetadata(entity as never);
  return metadata.tablePath
    .split('.')
    .map((part) => {
      if (!/^[a-z_]+$/.test(part)) {
        throw new Error(`unexpected table path ${metadata.tablePath}`);
      }
      return `"${part}"`;
    })
    .join('.');
}
