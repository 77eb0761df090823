import { Injectable } from '@nestjs/common';
import type { JobData } from '@rentguy/contracts';
import { OnJob, type JobOutcome } from '@rentguy/platform/queue';
import { ImageVariantsService } from './image-variants.service';

/** Handles the `images` queue. */
@Injectable()
export class ImageProcessor {
  constructor(private readonly variants: ImageVariantsService) {}

  @OnJob('images', 'image.process')
  process(data: JobData<'images', 'image.process'>): Promise<JobOutcome> {
    return this.variants.process(data);
  }
}
