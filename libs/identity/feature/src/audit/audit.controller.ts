import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiDoc, Roles, validate, type Page } from '@rentguy/platform/http';
import { auditPageSchema } from '../identity-view.schemas';
import { AuditLog, type AuditEntryView } from './audit-log.service';
import { auditQuerySchema, type AuditQuery } from './audit.dto';

@Controller('v1/admin/audit')
export class AuditController {
  constructor(private readonly audit: AuditLog) {}

  @Get()
  @Roles('admin')
  @Header('Cache-Control', 'private, no-store')
  @ApiDoc({
    summary: 'The audit log, newest first: filter by actor, action and time (admins only)',
    responses: { 200: { description: 'a page of audit entries', schema: auditPageSchema } },
  })
  list(@Query(validate(auditQuerySchema)) query: AuditQuery): Promise<Page<AuditEntryView>> {
    return this.audit.list(query);
  }
}
