import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventEnvelope } from '@rentguy/contracts';
import { InboxContext, OnEvent } from '@rentguy/platform/messaging';
import { DeliveryService } from '../delivery.service';
import { RecipientDirectory, UnknownRecipientError } from '../recipient-directory.service';

/**
 * `application.decided` → the applicant's `application-decided` email, recorded in the inbox
 * transaction and sent after commit. The event names the applicant by user id only (no personal
 * data travels with it), so the address, name and language come from the directory; an applicant
 * the directory does not know yet is retried, then dead-lettered until it does.
 */
@Controller()
export class ApplicationDecidedConsumer {
  constructor(
    private readonly deliveries: DeliveryService,
    private readonly directory: RecipientDirectory,
  ) {}

  @OnEvent('application.decided')
  async onApplicationDecided(
    @Payload() event: EventEnvelope<'application.decided'>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    const { data } = event;
    const applicant = await this.directory.find(inbox.tx, data.guestId);
    if (!applicant) {
      throw new UnknownRecipientError(data.guestId);
    }
    await this.deliveries.request(inbox.tx, event, 'application-decided', applicant, {
      applicationId: data.applicationId,
      applicantName: applicant.name,
      propertyTitle: data.propertyTitle,
      decision: data.decision,
      reason: data.reason,
    });
  }
}
