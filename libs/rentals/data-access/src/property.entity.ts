import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ schema: 'rentals', name: 'properties' })
@Index('properties_host_id_idx', ['hostId'])
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

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}
