import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Role } from '@rentguy/contracts';

/** The languages emails are written in. */
export type Locale = 'en' | 'nl';

/** An account. `email` is stored lowercased, so its unique index makes addresses case-insensitive. */
@Entity({ schema: 'identity', name: 'users' })
export class UserEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 254 })
  email!: string;

  @Column({ name: 'password_hash', type: 'text' })
  passwordHash!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: Role;

  @Column({ type: 'varchar', length: 2, default: 'en' })
  locale!: Locale;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
