import { Module } from '@nestjs/common';
import { ApplicationEntity } from './application.entity';
import { ApplicationRepository } from './application.repository';
import { BookingEntity } from './booking.entity';
import { BookingRepository } from './booking.repository';
import { ImageEntity } from './image.entity';
import { ImageRepository } from './image.repository';
import { PropertyEntity } from './property.entity';
import { PropertyRepository } from './property.repository';

/** Every entity of the `rentals` schema, for `DatabaseModule.forRoot({ entities })`. */
export const rentalsEntities = [PropertyEntity, BookingEntity, ImageEntity, ApplicationEntity];

/**
 * The rentals repositories. Needs the app's `DatabaseModule` (which provides the `TransactionRunner`)
 * configured with `schema: 'rentals'`, `rentalsEntities` and `rentalsMigrations`.
 */
@Module({
  providers: [PropertyRepository, BookingRepository, ImageRepository, ApplicationRepository],
  exports: [PropertyRepository, BookingRepository, ImageRepository, ApplicationRepository],
})
export class RentalsDataAccessModule {}
