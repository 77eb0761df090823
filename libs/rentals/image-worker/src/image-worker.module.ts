import { Module } from '@nestjs/common';
import { RentalsDataAccessModule } from '@rentguy/rentals/data-access';
import { ImageProcessor } from './image.processor';
import { ImageVariantsService } from './image-variants.service';
import { ImagesMetrics } from './images.metrics';
import { SharpImageRepository } from './sharp-image.repository';

/**
 * The image worker: processes `image.process` jobs. Needs the app's ConfigModule (with
 * `imageWorkerConfig`), DatabaseModule (rentals schema), QueueModule (`images`, with its worker),
 * StorageModule, MetricsModule and HealthModule.
 */
@Module({
  imports: [RentalsDataAccessModule],
  providers: [SharpImageRepository, ImagesMetrics, ImageVariantsService, ImageProcessor],
})
export class ImageWorkerModule {}
