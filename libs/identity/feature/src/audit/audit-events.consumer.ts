import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventEnvelope } from '@rentguy/contracts';
import { InboxContext, OnEvent } from '@rentguy/platform/messaging';
import { AuditLog } from './audit-log.service';

/** The gateway's consumer group (`consumerGroups.gateway`): other services' sensitive actions. */
@Controller()
export class AuditEventsConsumer {
  constructor(private readonly log: AuditLog) {}

  @OnEvent('audit.recorded')
  async onAuditRecorded(
    @Payload() event: EventEnvelope<'audit.recorded'>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    await this.log.recordReported(event, inbox.tx);
  }
}
