import { Injectable } from '@nestjs/common';
import type { Tx } from '@rentguy/platform/database';
import { DataSource } from 'typeorm';
import {
  hostPropertiesQuery,
  propertySearchQuery,
  schemaOf,
  type PageKey,
  type PropertySearchCriteria,
} from './listing.queries';
import { PropertyEntity } from './property.entity';
import { returnedRows } from './sql-result.util';

type Defaulted = 'cleaningFee' | 'published' | 'minNights' | 'maxNights' | 'cancellationPolicy';

export type NewProperty = Omit<PropertyEntity, 'createdAt' | 'updatedAt' | Defaulted> &
  Partial<Pick<PropertyEntity, Defaulted>>;

/** What a host may change on a listing; the id, the host and the currency never change. */
export type PropertyChanges = Partial<
  Pick<
    PropertyEntity,
    | 'title'
    | 'description'
    | 'nightlyPrice'
    | 'cleaningFee'
    | 'maxGuests'
    | 'minNights'
    | 'maxNights'
    | 'cancellationPolicy'
    | 'published'
  >
>;

const CHANGE_COLUMNS: Record<keyof PropertyChanges, string> = {
  title: 'title',
  description: 'description',
  nightlyPrice: 'nightly_price',
  cleaningFee: 'cleaning_fee',
  maxGuests: 'max_guests',
  minNights: 'min_nights',
  maxNights: 'max_nights',
  cancellationPolicy: 'cancellation_policy',
  published: 'published',
};

/** A property row of a list, with the exact text of `created_at` that a page key carries. */
export type ListedProperty = PropertyEntity & { createdAtKey: string };

@Injectable()
export class PropertyRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(property: NewProperty, tx: Tx = this.dataSource.manager): Promise<PropertyEntity> {
    const repository = tx.getRepository(PropertyEntity);
    await repository.insert(repository.create(property));
    return repository.findOneByOrFail({ id: property.id });
  }

  findById(id: string, tx: Tx = this.dataSource.manager): Promise<PropertyEntity | null> {
    return tx.getRepository(PropertyEntity).findOneBy({ id });
  }

  /** The property, row-locked until `tx` ends, so concurrent edits apply one after the other. */
  findByIdForUpdate(id: string, tx: Tx): Promise<PropertyEntity | null> {
    return tx.getRepository(PropertyEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** Applies `changes` and bumps `updated_at`; the property must exist. */
  async update(id: string, changes: PropertyChanges, tx: Tx): Promise<PropertyEntity> {
    const entries = Object.entries(changes).filter(([, value]) => value !== undefined) as [
      keyof PropertyChanges,
      unknown,
    ][];
    const assignments = entries.map(([key], i) => `${CHANGE_COLUMNS[key]} = $${i + 2}`);
    const result: unknown = await tx.query(
      `UPDATE rentals.properties SET ${[...assignments, 'updated_at = now()'].join(', ')} WHERE id = $1 RETURNING id`,
      [id, ...entries.map(([, value]) => value)],
    );
    if (returnedRows(result).length !== 1) {
      throw new Error(`property ${id} vanished during its update`);
    }
    return tx.getRepository(PropertyEntity).findOneByOrFail({ id });
  }

  /** One page of the public search (`propertySearchQuery`). */
  search(criteria: PropertySearchCriteria): Promise<ListedProperty[]> {
    const { sql, params } = propertySearchQuery(schemaOf(this.dataSource), criteria);
    return this.dataSource.query(sql, params) as Promise<ListedProperty[]>;
  }

  /** One page of a host's properties, newest first. */
  listByHost(hostId: string, limit: number, after?: PageKey): Promise<ListedProperty[]> {
    const { sql, params } = hostPropertiesQuery(schemaOf(this.dataSource), hostId, limit, after);
    return this.dataSource.query(sql, params) as Promise<ListedProperty[]>;
  }
}
