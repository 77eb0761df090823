import { Module } from '@nestjs/common';
import { AuditLogRepository } from '@rentguy/identity/data-access';
import { AuditController } from './audit.controller';
import { AuditEventsConsumer } from './audit-events.consumer';
import { AuditLog } from './audit-log.service';

/** The audit log, its admin route and the consumer of other services' `audit.recorded`; `AuditLog` for the gateway's other features to record with. */
@Module({
  controllers: [AuditController, AuditEventsConsumer],
  providers: [AuditLog, AuditLogRepository],
  exports: [AuditLog],
})
export class AuditModule {}
