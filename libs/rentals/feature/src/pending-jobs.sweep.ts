import { Injectable, Logger } from '@nestjs/common';
import { InjectConfig, type ConfigOf } from '@rentguy/platform/config';
import { OnJob, type JobOutcome } from '@rentguy/platform/queue';
import { ApplicationRepository, ImageRepository } from '@rentguy/rentals/data-access';
import { ApplicationService } from './application.service';
import { ImageService } from './image.service';
import { rentalsConfig } from './rentals.config';

const BATCH_SIZE = 500;

/**
 * Jobs are enqueued after commit, so a crash (or a Redis outage) in between would leave an image
 * `processing` or an application `screening` forever. This sweep enqueues the jobs of such work
 * again; deterministic job ids make it a no-op for jobs that are still queued or completed. A job
 * kept after failing for good (e.g. the database was down on its last attempt) is retried: the row
 * still says the work is unfinished, and BullMQ would otherwise block the id for days.
 * Runs from the `rentals-pending-jobs` job scheduler (`PENDING_JOBS_SWEEP_MS`).
 */
@Injectable()
export class PendingJobsSweep {
  private readonly logger = new Logger(PendingJobsSweep.name);

  constructor(
    private readonly images: ImageRepository,
    private readonly applications: ApplicationRepository,
    private readonly imageService: ImageService,
    private readonly applicationService: ApplicationService,
    @InjectConfig(rentalsConfig) private readonly config: ConfigOf<typeof rentalsConfig>,
  ) {}

  /** Enqueues again the jobs of work older than the minimum age. */
  @OnJob('rentals-maintenance', 'pending-jobs.requeue')
  async requeue(): Promise<JobOutcome> {
    const before = new Date(Date.now() - this.config.PENDING_JOBS_MIN_AGE_MS);
    const images = await this.images.findProcessingBefore(before, BATCH_SIZE);
    for (const image of images) {
      await this.imageService.enqueueProcessing(image.id, image.propertyId, image.originalKey, {
        retryFailed: true,
      });
    }
    const applications = await this.applications.findScreeningBefore(before, BATCH_SIZE);
    for (const application of applications) {
      await this.applicationService.enqueueScreening(application.id, { retryFailed: true });
    }
    if (images.length + applications.length > 0) {
      this.logger.debug(
        `handed ${images.length} image(s) and ${applications.length} application(s) to their queues again`,
      );
    }
    return { status: 'done' };
  }
}
