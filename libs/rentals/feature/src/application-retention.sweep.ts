import { Injectable, Logger } from '@nestjs/common';
import { InjectConfig, type ConfigOf } from '@rentguy/platform/config';
import { OnJob, type JobOutcome } from '@rentguy/platform/queue';
import { ApplicationRepository } from '@rentguy/rentals/data-access';
import { retentionCutoff } from '@rentguy/rentals/domain';
import { rentalsConfig } from './rentals.config';
import { RentalsMetrics } from './rentals.metrics';

const BATCH_SIZE = 500;

/**
 * Applicants' personal data is kept only while their application may still be decided: an
 * application nobody decided within `APPLICATION_RETENTION_DAYS` is expired and its data purged.
 * Runs from the `rentals-application-retention` job scheduler (`APPLICATION_RETENTION_SWEEP_MS`),
 * once per interval across replicas; concurrent runs skip each other's rows.
 */
@Injectable()
export class ApplicationRetentionSweep {
  private readonly logger = new Logger(ApplicationRetentionSweep.name);

  constructor(
    private readonly applications: ApplicationRepository,
    private readonly metrics: RentalsMetrics,
    @InjectConfig(rentalsConfig) private readonly config: ConfigOf<typeof rentalsConfig>,
  ) {}

  @OnJob('rentals-maintenance', 'applications.purge-undecided')
  async purgeUndecided(): Promise<JobOutcome> {
    const now = new Date();
    const before = retentionCutoff(now, this.config.APPLICATION_RETENTION_DAYS);
    let expired = 0;
    for (;;) {
      const ids = await this.applications.expireUndecidedBefore(before, BATCH_SIZE, now);
      expired += ids.length;
      this.metrics.applicationsExpired.inc(ids.length);
      if (ids.length < BATCH_SIZE) {
        break;
      }
    }
    if (expired > 0) {
      this.logger.log(`expired ${expired} undecided application(s) made before ${before.toISOString()}`);
    }
    return { status: 'done' };
  }
}
