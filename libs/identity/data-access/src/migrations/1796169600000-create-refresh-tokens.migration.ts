import { migrationSchemaOf } from '@rentguy/platform/database';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sessions: one family per login, one row per refresh token the family was ever given. A token is
 * live while it is not rotated, not expired and its family is not revoked; only SHA-256 digests of
 * the secrets are stored.
 */
export class CreateRefreshTokens1796169600000 implements MigrationInterface {
  name = 'CreateRefreshTokens1796169600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${migrationSchemaOf(queryRunner)}"`;
    await queryRunner.query(`
      CREATE TABLE ${s}.session_families (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES ${s}.users (id) ON DELETE CASCADE,
        user_agent varchar(512),
        created_at timestamptz NOT NULL DEFAULT now(),
        -- Set by a logout, or by the reuse of a rotated token (then revoked_reason = 'reuse').
        revoked_at timestamptz,
        revoked_reason varchar(16),
        CONSTRAINT session_families_reason_check CHECK (revoked_reason IN ('logout', 'reuse'))
      )`);
    await queryRunner.query(`CREATE INDEX session_families_user_idx ON ${s}.session_families (user_id)`);
    await queryRunner.query(`
      CREATE TABLE ${s}.refresh_tokens (
        id uuid PRIMARY KEY,
        family_id uuid NOT NULL REFERENCES ${s}.session_families (id) ON DELETE CASCADE,
        token_hash bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        rotated_at timestamptz,
        CONSTRAINT refresh_tokens_hash_length CHECK (octet_length(token_hash) = 32)
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX refresh_tokens_hash_key ON ${s}.refresh_tokens (token_hash)`,
    );
    await queryRunner.query(`CREATE INDEX refresh_tokens_family_idx ON ${s}.refresh_tokens (family_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${migrationSchemaOf(queryRunner)}"`;
    await queryRunner.query(`DROP TABLE ${s}.refresh_tokens`);
    await queryRunner.query(`DROP TABLE ${s}.session_families`);
  }
}
