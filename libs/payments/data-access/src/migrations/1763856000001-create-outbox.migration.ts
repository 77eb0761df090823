import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxMigrationSql } from '@rentguy/platform/messaging';
import { migrationSchemaOf } from './migration-schema.util';

export class CreateOutbox1763856000001 implements MigrationInterface {
  name = 'CreateOutbox1763856000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of outboxMigrationSql(migrationSchemaOf(queryRunner)).up) {
      await queryRunner.query(sql);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of outboxMigrationSql(migrationSchemaOf(queryRunner)).down) {
      await queryRunner.query(sql);
    }
  }
}
