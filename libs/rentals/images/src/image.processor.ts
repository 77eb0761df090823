import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG } from '@rentguy/platform/config';
import { WorkerHost } from '@rentguy/platform/queue';
import { ImageVariantsService } from './image-variants.service';
import type { ImagesWorkerConfig } from './images-worker.config';

/** Runs the `images` queue's worker in this process. */
@Injectable()
export class ImageProcessor implements OnApplicationBootstrap {
  constructor(
    private readonly workers: WorkerHost,
    private readonly variants: ImageVariantsService,
    @Inject(APP_CONFIG) private readonly config: Pick<ImagesWorkerConfig, 'IMAGE_WORKER_CONCURRENCY'>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.workers.start(
      'images',
      { 'image.process': (data) => this.variants.process(data) },
      { concurrency: this.config.IMAGE_WORKER_CONCURRENCY },
    );
  }
}
