import { migrationSchemaOf } from '@rentguy/platform/database';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateUsers1767225600000 implements MigrationInterface {
  name = 'CreateUsers1767225600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${migrationSchemaOf(queryRunner)}"`;
    await queryRunner.query(`
      CREATE TABLE ${s}.users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email varchar(254) NOT NULL,
        password_hash text NOT NULL,
        name varchar(100) NOT NULL,
        role varchar(16) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        -- Uniqueness is case-insensitive only because every address is stored lowercased.
        CONSTRAINT users_email_lowercase CHECK (email = lower(email)),
        CONSTRAINT users_role_check CHECK (role IN ('guest', 'host', 'admin'))
      )`);
    // The one arbiter of "email taken", also under concurrent registrations (SQLSTATE 23505).
    await queryRunner.query(`CREATE UNIQUE INDEX users_email_key ON ${s}.users (email)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "${migrationSchemaOf(queryRunner)}".users`);
  }
}
