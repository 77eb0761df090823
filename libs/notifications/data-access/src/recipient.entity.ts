import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Someone notifications writes to, as identity last described them (`user.registered`,
 * `user.updated`), with their notification preferences. Notifications' own copy: it never reads
 * identity's schema.
 */
@Entity({ schema: 'notifications', name: 'recipients' })
export class RecipientEntity {
  /** The user's id in identity. */
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  email!: string;

  @Column('text')
  name!: string;

  @Column('text')
  locale!: string;

  /** `guest` or `host` from registration; null when only a `user.updated` has been seen. */
  @Column('text', { nullable: true })
  role!: string | null;

  /** Switchable categories the user turned on or off; a category not listed is on. */
  @Column('jsonb')
  preferences!: Record<string, boolean>;

  /**
   * When identity's profile event that wrote email, name and locale occurred; an older event never
   * overwrites a newer one. `-infinity` while the entry only holds what a request's token said.
   */
  @Column('timestamptz', { name: 'profile_at' })
  profileAt!: Date;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
