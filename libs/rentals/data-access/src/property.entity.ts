import type { CancellationPolicy } from '@rentguy/rentals/domain';
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ schema: 'rentals', name: 'properties' })
export class PropertyEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'host_id' })
  hostId!: string;

  @Column('text')
  title!: string;

  @Column('text')
  description!: string;

  @Column('text')
  city!: string;

  /** ISO 3166-1 alpha-2. */
  @Column('char', { length: 2 })
  country!: string;

  /** Integer minor units of `currency`. */
  @Column('integer', { name: 'nightly_price' })
  nightlyPrice!: number;

  /** ISO 4217. */
  @Column('char', { length: 3 })
  currency!: string;

  @Column('integer', { name: 'max_guests' })
  maxGuests!: number;

  @Column('integer', { name: 'cleaning_fee', default: 0 })
  cleaningFee!: number;

  /** Only published properties appear in search. */
  @Column('boolean', { default: true })
  published!: boolean;

  @Column('integer', { name: 'min_nights', default: 1 })
  minNights!: number;

  @Column('integer', { name: 'max_nights', default: 365 })
  maxNights!: number;

  @Column('text', { name: 'cancellation_policy', default: 'moderate' })
  cancellationPolicy!: CancellationPolicy;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}
