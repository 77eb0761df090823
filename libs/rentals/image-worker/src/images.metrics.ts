import { Injectable } from '@nestjs/common';
import { MetricsRegistry } from '@rentguy/platform/metrics';
import type { ImageFormat } from '@rentguy/rentals/domain';

/** Why an image was given up on; a closed set so the metric's cardinality stays fixed. */
export type ImageRejection = 'original_missing' | 'unsupported_type' | 'unreadable';

/** Job counts and durations come from the queue library; these say what the jobs produced. */
@Injectable()
export class ImagesMetrics {
  private readonly variants;
  private readonly rejected;

  constructor(metrics: MetricsRegistry) {
    this.variants = metrics.counter({
      name: 'image_variants_written_total',
      help: 'Image renditions written to blob storage, by format',
      labelNames: ['format'],
    });
    this.rejected = metrics.counter({
      name: 'images_rejected_total',
      help: 'Uploaded images marked failed because they cannot be processed, by reason',
      labelNames: ['reason'],
    });
  }

  variantWritten(format: ImageFormat): void {
    this.variants.inc({ format });
  }

  imageRejected(reason: ImageRejection): void {
    this.rejected.inc({ reason });
  }
}
