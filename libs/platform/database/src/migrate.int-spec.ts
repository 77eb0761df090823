import { randomInt } from 'node:crypto';
import { Client } from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { testEnvironment } from '@rentguy/testing/platform';
import { migrateSchema } from './migrate';
import { migrationSchemaOf, type ServiceSchema } from './service-schema';

const DATABASE_URL = testEnvironment().databaseUrl;
const name = `db_migrate_${Array.from({ length: 10 }, () => String.fromCharCode(97 + randomInt(26))).join('')}`;

/** Records each run of a migration in the schema itself, so a second run would show. */
class CreateRuns1767000000000 implements MigrationInterface {
  name = 'CreateRuns1767000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${migrationSchemaOf(queryRunner)}"`;
    await queryRunner.query(`CREATE TABLE ${s}.runs (migration text NOT NULL)`);
    // Long enough for the other migrator to arrive while this one is still at work.
    await queryRunner.query('SELECT pg_sleep(0.5)');
    await queryRunner.query(`INSERT INTO ${s}.runs (migration) VALUES ($1)`, [this.name]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "${migrationSchemaOf(queryRunner)}".runs`);
  }
}

class AddRunsNote1767000000001 implements MigrationInterface {
  name = 'AddRunsNote1767000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${migrationSchemaOf(queryRunner)}"`;
    await queryRunner.query(`ALTER TABLE ${s}.runs ADD COLUMN note text`);
    await queryRunner.query(`INSERT INTO ${s}.runs (migration) VALUES ($1)`, [this.name]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "${migrationSchemaOf(queryRunner)}".runs DROP COLUMN note`);
  }
}

const schema: ServiceSchema = { name, migrations: [CreateRuns1767000000000, AddRunsNote1767000000001] };

let admin: Client;

beforeAll(async () => {
  admin = new Client({ connectionString: DATABASE_URL });
  await admin.connect();
});

afterAll(async () => {
  await admin?.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
  await admin?.end();
});

/** Resolves once some session of `applicationName` waits for an advisory lock. */
async function waitingForLock(applicationName: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    const { rowCount } = await admin.query(
      `SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock' AND wait_event = 'advisory'`,
      [applicationName],
    );
    if (rowCount) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no session of ${applicationName} waited for the migration lock`);
}

describe('migrateSchema', () => {
  it('lets two concurrent migrators of one schema both succeed, applying each migration once', async () => {
    const first = migrateSchema(schema, { url: DATABASE_URL, applicationName: 'migrate-int-spec-a' });
    const second = migrateSchema(schema, { url: DATABASE_URL, applicationName: 'migrate-int-spec-b' });
    // One of them really waits for the other, holding no connection to the schema meanwhile.
    await Promise.any([waitingForLock('migrate-int-spec-a-lock'), waitingForLock('migrate-int-spec-b-lock')]);

    const results = await Promise.all([first, second]);

    expect(results.flat()).toEqual(['CreateRuns1767000000000', 'AddRunsNote1767000000001']);
    expect(results.map((applied) => applied.length).sort()).toEqual([0, 2]);
    const runs = await admin.query<{ migration: string }>(`SELECT migration FROM "${name}".runs`);
    expect(runs.rows.map((row) => row.migration).sort()).toEqual([
      'AddRunsNote1767000000001',
      'CreateRuns1767000000000',
    ]);
    const tracked = await admin.query<{ name: string }>(`SELECT name FROM "${name}".migrations ORDER BY id`);
    expect(tracked.rows.map((row) => row.name)).toEqual([
      'CreateRuns1767000000000',
      'AddRunsNote1767000000001',
    ]);
  });

  it('applies nothing to a schema that is up to date', async () => {
    await expect(
      migrateSchema(schema, { url: DATABASE_URL, applicationName: 'migrate-int-spec' }),
    ).resolves.toEqual([]);
  });
});
