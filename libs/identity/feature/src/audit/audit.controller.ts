import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles, validate, type Page } from '@rentguy/platform/http';
import { AuditLog, type AuditEntryView } from './audit-log.service';
import { auditQuerySchema, type AuditQuery } from './audit.dto';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('v1/admin/audit')
export class AuditController {
  constructor(private readonly audit: AuditLog) {}

  @Get()
  @Roles('admin')
  @Header('Cache-Control', 'private, no-store')
  @ApiOperation({ summary: 'The audit log, newest first: filter by actor, action and time (admins only)' })
  list(@Query(validate(auditQuerySchema)) query: AuditQuery): Promise<Page<AuditEntryView>> {
    return this.audit.list(query);
  }
}
