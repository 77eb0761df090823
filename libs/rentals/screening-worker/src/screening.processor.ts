import { Injectable } from '@nestjs/common';
import type { JobData } from '@rentguy/contracts';
import { OnJob, type JobContext, type JobOutcome } from '@rentguy/platform/queue';
import { ScreeningService } from './screening.service';

/** Handles the `screening` queue. */
@Injectable()
export class ScreeningProcessor {
  constructor(private readonly screening: ScreeningService) {}

  @OnJob('screening', 'application.screen')
  screen(data: JobData<'screening', 'application.screen'>, job: JobContext): Promise<JobOutcome> {
    return this.screening.screen(data.applicationId, job);
  }
}
