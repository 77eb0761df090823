import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxMigrationSql } from '@rentguy/platform/messaging';

/** The inbox makes the consumers idempotent; the outbox is there for `notifications.delivery.v1`. */
export class CreateOutboxInbox1763900000001 implements MigrationInterface {
  name = 'CreateOutboxInbox1763900000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of outboxMigrationSql('notifications').up) {
      await queryRunner.query(sql);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of outboxMigrationSql('notifications').down) {
      await queryRunner.query(sql);
    }
  }
}
