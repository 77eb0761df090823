import { Module } from '@nestjs/common';
import { ApplicationRepository } from './application.repository';
import { BookingRepository } from './booking.repository';
import { ImageRepository } from './image.repository';
import { PropertyRepository } from './property.repository';

/**
 * The rentals repositories. Needs the app's `DatabaseModule` (which provides the `TransactionRunner`)
 * configured with `rentalsSchema`.
 */
@Module({
  providers: [PropertyRepository, BookingRepository, ImageRepository, ApplicationRepository],
  exports: [PropertyRepository, BookingRepository, ImageRepository, ApplicationRepository],
})
export class RentalsDataAccessModule {}
