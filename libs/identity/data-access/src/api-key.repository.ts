import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type EntityManager } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity';

export type NewApiKey = Pick<
  ApiKeyEntity,
  'id' | 'userId' | 'name' | 'keyId' | 'secretHash' | 'scopes' | 'expiresAt'
>;

/** `identity.api_keys`. */
@Injectable()
export class ApiKeyRepository {
  constructor(@InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>) {}

  async insert(key: NewApiKey, manager: EntityManager = this.keys.manager): Promise<ApiKeyEntity> {
    const rows = (await manager.query(
      `INSERT INTO identity.api_keys (id, user_id, name, key_id, secret_hash, scopes, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       RETURNING created_at`,
      [key.id, key.userId, key.name, key.keyId, key.secretHash, key.scopes, key.expiresAt],
    )) as { created_at: Date }[];
    return this.keys.create({
      ...key,
      createdAt: rows[0]?.created_at ?? new Date(),
      revokedAt: null,
      lastUsedAt: null,
      expiryNotifiedAt: null,
    });
  }

  findByKeyId(keyId: string): Promise<ApiKeyEntity | null> {
    return this.keys.findOneBy({ keyId });
  }

  /** A user's keys that are neither revoked nor expired, newest first. */
  listActive(userId: string, now: Date): Promise<ApiKeyEntity[]> {
    return this.keys
      .createQueryBuilder('key')
      .where('key.user_id = :userId AND key.revoked_at IS NULL AND key.expires_at > :now', { userId, now })
      .orderBy('key.created_at', 'DESC')
      .addOrderBy('key.id', 'DESC')
      .getMany();
  }

  countActive(userId: string, now: Date): Promise<number> {
    return this.keys
      .createQueryBuilder('key')
      .where('key.user_id = :userId AND key.revoked_at IS NULL AND key.expires_at > :now', { userId, now })
      .getCount();
  }

  /** Revokes one of the user's own keys; false when they have no such live key. */
  async revoke(userId: string, id: string, manager: EntityManager = this.keys.manager): Promise<boolean> {
    const rows = (await manager.query(
      `UPDATE identity.api_keys SET revoked_at = now()
        WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL
        RETURNING id`,
      [id, userId],
    )) as [unknown[], number];
    return rows[1] > 0;
  }

  /**
   * Marks up to `limit` live keys that expire within `withinMs` of `now` and were not reminded yet
   * as reminded, in `tx`, and returns them: each key is claimed once (concurrent runs skip the rows
   * another one holds).
   */
  async claimExpiring(
    tx: EntityManager,
    now: Date,
    withinMs: number,
    limit: number,
  ): Promise<Pick<ApiKeyEntity, 'id' | 'userId' | 'name' | 'keyId' | 'expiresAt'>[]> {
    const rows = (await tx.query(
      `WITH claimed AS (
         UPDATE identity.api_keys SET expiry_notified_at = $1
          WHERE id IN (
            SELECT id FROM identity.api_keys
             WHERE revoked_at IS NULL AND expiry_notified_at IS NULL
               AND expires_at > $1 AND expires_at <= $1::timestamptz + $2 * interval '1 millisecond'
             ORDER BY expires_at
             LIMIT $3
             FOR UPDATE SKIP LOCKED)
          RETURNING id, user_id, name, key_id, expires_at)
       SELECT * FROM claimed`,
      [now, withinMs, limit],
    )) as { id: string; user_id: string; name: string; key_id: string; expires_at: Date }[];
    return rows.map((row) => ({
      id: row.id,
      userId: row.user_id,
      name: row.name,
      keyId: row.key_id,
      expiresAt: row.expires_at,
    }));
  }

  /** Records a use, unless one at most `withinMs` ago is already recorded (one write per key and window). */
  async touch(id: string, at: Date, withinMs: number): Promise<void> {
    await this.keys.query(
      `UPDATE identity.api_keys SET last_used_at = $2
        WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - $3 * interval '1 millisecond')`,
      [id, at, withinMs],
    );
  }
}
