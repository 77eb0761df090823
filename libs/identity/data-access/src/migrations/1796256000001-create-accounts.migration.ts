import { migrationSchemaOf } from '@rentguy/platform/database';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts: a user's locale (the language of their emails), the admins' user list indexes, and
 * single-use password-reset tokens (SHA-256 digests only, like refresh tokens).
 */
export class CreateAccounts1796256000001 implements MigrationInterface {
  name = 'CreateAccounts1796256000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${migrationSchemaOf(queryRunner)}"`;
    await queryRunner.query(`ALTER TABLE ${s}.users ADD COLUMN locale varchar(2) NOT NULL DEFAULT 'en'`);
    await queryRunner.query(
      `ALTER TABLE ${s}.users ADD CONSTRAINT users_locale_check CHECK (locale IN ('en', 'nl'))`,
    );
    await queryRunner.query(
      `ALTER TABLE ${s}.users ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now()`,
    );
    // Millisecond precision, like the JavaScript Date the admins' page cursor carries.
    await queryRunner.query(`ALTER TABLE ${s}.users ALTER COLUMN created_at TYPE timestamptz(3)`);
    // The admins' list: newest first, optionally of one role.
    await queryRunner.query(`CREATE INDEX users_created_idx ON ${s}.users (created_at DESC, id DESC)`);
    await queryRunner.query(
      `CREATE INDEX users_role_created_idx ON ${s}.users (role, created_at DESC, id DESC)`,
    );
    // A password change or reset ends the user's other sessions.
    await queryRunner.query(
      `ALTER TABLE ${s}.session_families DROP CONSTRAINT session_families_reason_check`,
    );
    await queryRunner.query(
      `ALTER TABLE ${s}.session_families ADD CONSTRAINT session_families_reason_check
       CHECK (revoked_reason IN ('logout', 'reuse', 'password'))`,
    );
    await queryRunner.query(`
      CREATE TABLE ${s}.password_reset_tokens (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES ${s}.users (id) ON DELETE CASCADE,
        token_hash bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        -- Set when the token is spent, or when a newer request for the same user supersedes it.
        used_at timestamptz,
        CONSTRAINT password_reset_tokens_hash_length CHECK (octet_length(token_hash) = 32)
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX password_reset_tokens_hash_key ON ${s}.password_reset_tokens (token_hash)`,
    );
    await queryRunner.query(
      `CREATE INDEX password_reset_tokens_live_idx ON ${s}.password_reset_tokens (user_id) WHERE used_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${migrationSchemaOf(queryRunner)}"`;
    await queryRunner.query(`DROP TABLE ${s}.password_reset_tokens`);
    await queryRunner.query(`DELETE FROM ${s}.session_families WHERE revoked_reason = 'password'`);
    await queryRunner.query(
      `ALTER TABLE ${s}.session_families DROP CONSTRAINT session_families_reason_check`,
    );
    await queryRunner.query(
      `ALTER TABLE ${s}.session_families ADD CONSTRAINT session_families_reason_check
       CHECK (revoked_reason IN ('logout', 'reuse'))`,
    );
    await queryRunner.query(`DROP INDEX ${s}.users_role_created_idx`);
    await queryRunner.query(`DROP INDEX ${s}.users_created_idx`);
    await queryRunner.query(`ALTER TABLE ${s}.users DROP COLUMN updated_at`);
    await queryRunner.query(`ALTER TABLE ${s}.users DROP CONSTRAINT users_locale_check`);
    await queryRunner.query(`ALTER TABLE ${s}.users DROP COLUMN locale`);
  }
}
