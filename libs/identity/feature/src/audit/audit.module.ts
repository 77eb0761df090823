import { Module } from '@nestjs/common';
import { AuditLogRepository } from '@rentguy/identity/data-access';
import { AuditController } from './audit.controller';
import { AuditLog } from './audit-log.service';

/** The audit log and its admin route; `AuditLog` for the gateway's other features to record with. */
@Module({
  controllers: [AuditController],
  providers: [AuditLog, AuditLogRepository],
  exports: [AuditLog],
})
export class AuditModule {}
