import { migrationSchemaOf } from '@rentguy/platform/database';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log: append-only. A trigger refuses every UPDATE and DELETE, so not even a bug in the
 * app (or a hand-typed statement with the app's role) rewrites history; TRUNCATE is refused too.
 */
export class CreateAuditLog1796301300000 implements MigrationInterface {
  name = 'CreateAuditLog1796301300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${migrationSchemaOf(queryRunner)}"`;
    await queryRunner.query(`
      CREATE TABLE ${s}.audit_log (
        id uuid PRIMARY KEY,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        actor_id uuid,
        actor_role varchar(16),
        action varchar(64) NOT NULL,
        target_type varchar(32) NOT NULL,
        target_id varchar(128) NOT NULL,
        ip inet,
        request_id varchar(128),
        -- Which service reported it (the gateway for its own actions).
        source varchar(32) NOT NULL,
        details jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await queryRunner.query(`CREATE INDEX audit_log_time_idx ON ${s}.audit_log (occurred_at DESC, id DESC)`);
    await queryRunner.query(
      `CREATE INDEX audit_log_actor_idx ON ${s}.audit_log (actor_id, occurred_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX audit_log_action_idx ON ${s}.audit_log (action, occurred_at DESC, id DESC)`,
    );
    await queryRunner.query(`
      CREATE FUNCTION ${s}.audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON ${s}.audit_log
        FOR EACH ROW EXECUTE FUNCTION ${s}.audit_log_is_append_only()`);
    await queryRunner.query(`
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON ${s}.audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION ${s}.audit_log_is_append_only()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${migrationSchemaOf(queryRunner)}"`;
    await queryRunner.query(`DROP TABLE ${s}.audit_log`);
    await queryRunner.query(`DROP FUNCTION ${s}.audit_log_is_append_only()`);
  }
}
