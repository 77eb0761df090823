import { migrationSchemaOf } from '@rentguy/platform/database';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API keys for partners' integrations: looked up by a public key id, verified against a SHA-256
 * digest of the whole secret (the secret itself is never stored), scoped, expiring, revocable.
 */
export class CreateApiKeys1796301234000 implements MigrationInterface {
  name = 'CreateApiKeys1796301234000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${migrationSchemaOf(queryRunner)}"`;
    await queryRunner.query(`
      CREATE TABLE ${s}.api_keys (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES ${s}.users (id) ON DELETE CASCADE,
        name varchar(100) NOT NULL,
        key_id varchar(16) NOT NULL,
        secret_hash bytea NOT NULL,
        scopes text[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        last_used_at timestamptz,
        -- Set by the daily expiry reminder, so each key's owner is told once.
        expiry_notified_at timestamptz,
        CONSTRAINT api_keys_secret_hash_length CHECK (octet_length(secret_hash) = 32),
        CONSTRAINT api_keys_scopes_not_empty CHECK (cardinality(scopes) > 0)
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX api_keys_key_id_key ON ${s}.api_keys (key_id)`);
    await queryRunner.query(`CREATE INDEX api_keys_user_idx ON ${s}.api_keys (user_id, created_at)`);
    await queryRunner.query(
      `CREATE INDEX api_keys_expiring_idx ON ${s}.api_keys (expires_at)
         WHERE revoked_at IS NULL AND expiry_notified_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${migrationSchemaOf(queryRunner)}"`;
    await queryRunner.query(`DROP TABLE ${s}.api_keys`);
  }
}
