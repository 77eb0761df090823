import { migrationSchemaOf } from '@rentguy/platform/database';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The host's decision on a screened application (docs/architecture.md#tenant-applications):
 * screening no longer decides, it leaves the application `screened` for the host, who approves or
 * declines it once (who, when, why kept on the row). The applicant's personal data is purged at
 * the decision, or when the retention job expires an application nobody decided.
 */
const up = (s: string) => [
  `ALTER TABLE ${s}.applications
     DROP CONSTRAINT applications_decided_check,
     DROP CONSTRAINT applications_status_check,
     ALTER COLUMN applicant_full_name DROP NOT NULL,
     ADD COLUMN screened_at timestamptz NULL,
     ADD COLUMN decided_by uuid NULL,
     ADD COLUMN decision_reason text NULL,
     ADD COLUMN purged_at timestamptz NULL`,
  // Screening outcomes recorded before this migration become the host's to decide.
  `UPDATE ${s}.applications
      SET status = 'screened', screened_at = decided_at, decided_at = NULL
    WHERE status IN ('approved', 'declined', 'review')`,
  `ALTER TABLE ${s}.applications
     ADD CONSTRAINT applications_status_check
       CHECK (status IN ('screening', 'screened', 'approved', 'declined', 'expired')),
     ADD CONSTRAINT applications_screened_check CHECK (status <> 'screened' OR screened_at IS NOT NULL),
     ADD CONSTRAINT applications_decided_check CHECK (
       (status IN ('approved', 'declined'))
         = (decided_at IS NOT NULL AND decided_by IS NOT NULL AND decision_reason IS NOT NULL)),
     ADD CONSTRAINT applications_purged_check CHECK (
       (status IN ('approved', 'declined', 'expired')) = (purged_at IS NOT NULL)
       AND (purged_at IS NULL OR (applicant_full_name IS NULL AND applicant_date_of_birth IS NULL)))`,
  // The applicant's list and the host's list are pages newest first; the retention job reads the
  // undecided ones oldest first.
  `DROP INDEX ${s}.applications_guest_id_idx`,
  `DROP INDEX ${s}.applications_property_id_idx`,
  `CREATE INDEX applications_guest_created_idx ON ${s}.applications (guest_id, created_at DESC, id DESC)`,
  `CREATE INDEX applications_property_created_idx ON ${s}.applications (property_id, created_at DESC, id DESC)`,
  `CREATE INDEX applications_undecided_created_at_idx ON ${s}.applications (created_at)
     WHERE status IN ('screening', 'screened')`,
];

const down = (s: string) => [
  `DROP INDEX ${s}.applications_undecided_created_at_idx`,
  `DROP INDEX ${s}.applications_property_created_idx`,
  `DROP INDEX ${s}.applications_guest_created_idx`,
  `CREATE INDEX applications_property_id_idx ON ${s}.applications (property_id)`,
  `CREATE INDEX applications_guest_id_idx ON ${s}.applications (guest_id)`,
  `ALTER TABLE ${s}.applications
     DROP CONSTRAINT applications_purged_check,
     DROP CONSTRAINT applications_decided_check,
     DROP CONSTRAINT applications_screened_check,
     DROP CONSTRAINT applications_status_check`,
  // A host's decision has no place in the old schema: those rows go back to their screening outcome.
  `UPDATE ${s}.applications
      SET status = COALESCE(outcome->>'outcome', 'review'), decided_at = COALESCE(screened_at, decided_at, now()),
          applicant_full_name = COALESCE(applicant_full_name, '')
    WHERE status <> 'screening'`,
  `ALTER TABLE ${s}.applications
     DROP COLUMN purged_at,
     DROP COLUMN decision_reason,
     DROP COLUMN decided_by,
     DROP COLUMN screened_at,
     ALTER COLUMN applicant_full_name SET NOT NULL,
     ADD CONSTRAINT applications_status_check CHECK (status IN ('screening', 'approved', 'declined', 'review')),
     ADD CONSTRAINT applications_decided_check CHECK ((status = 'screening') = (decided_at IS NULL))`,
];

export class ApplicationDecisions1765100000000 implements MigrationInterface {
  readonly name = 'ApplicationDecisions1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${migrationSchemaOf(queryRunner)}"`;
    for (const sql of up(s)) {
      await queryRunner.query(sql);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${migrationSchemaOf(queryRunner)}"`;
    for (const sql of down(s)) {
      await queryRunner.query(sql);
    }
  }
}
