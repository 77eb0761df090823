import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG } from '@rentguy/platform/config';
import { WorkerHost } from '@rentguy/platform/queue';
import type { ScreeningWorkerConfig } from './screening-worker.config';
import { ScreeningService } from './screening.service';

/** Runs the `screening` queue's worker in this process. */
@Injectable()
export class ScreeningProcessor implements OnApplicationBootstrap {
  constructor(
    private readonly workers: WorkerHost,
    private readonly screening: ScreeningService,
    @Inject(APP_CONFIG) private readonly config: Pick<ScreeningWorkerConfig, 'SCREENING_WORKER_CONCURRENCY'>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.workers.start(
      'screening',
      { 'application.screen': (data, job) => this.screening.screen(data.applicationId, job) },
      { concurrency: this.config.SCREENING_WORKER_CONCURRENCY },
    );
  }
}
