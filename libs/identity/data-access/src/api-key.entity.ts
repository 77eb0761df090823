import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A partner's API key; `keyId` is the public part of the secret, `secretHash` its SHA-256 digest. */
@Entity({ schema: 'identity', name: 'api_keys' })
export class ApiKeyEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'user_id' })
  userId!: string;

  @Column('varchar', { length: 100 })
  name!: string;

  @Column('varchar', { name: 'key_id', length: 16 })
  keyId!: string;

  @Column('bytea', { name: 'secret_hash' })
  secretHash!: Buffer;

  @Column('text', { array: true })
  scopes!: string[];

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt!: Date;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;

  @Column('timestamptz', { name: 'last_used_at', nullable: true })
  lastUsedAt!: Date | null;

  @Column('timestamptz', { name: 'expiry_notified_at', nullable: true })
  expiryNotifiedAt!: Date | null;
}
