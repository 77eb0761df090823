import { Injectable } from '@nestjs/common';
import type { JobData } from '@rentguy/contracts';
import { OnJob, type JobContext, type JobOutcome } from '@rentguy/platform/queue';
import { DeliveryService } from '../delivery.service';

/** Handles the `email` queue. */
@Injectable()
export class EmailSendProcessor {
  constructor(private readonly deliveries: DeliveryService) {}

  @OnJob('email', 'email.send')
  send(data: JobData<'email', 'email.send'>, job: JobContext): Promise<JobOutcome> {
    return this.deliveries.send(data.deliveryId, job);
  }
}
