import type { ServiceSchema } from '@rentguy/platform/database';
import { ApplicationEntity } from './application.entity';
import { BookingEntity } from './booking.entity';
import { ImageEntity } from './image.entity';
import { RentalsSchema1761000000000 } from './migrations/1761000000000-rentals-schema.migration';
import { SearchAndPricing1762000000000 } from './migrations/1762000000000-search-and-pricing.migration';
import { Calendars1763200000000 } from './migrations/1763200000000-calendars.migration';
import { PropertyEntity } from './property.entity';

/**
 * The `rentals` schema, owned by the rentals app (which runs its migrations); the image and
 * screening workers map the same entities. Its entities and its migrations, oldest first.
 */
export const rentalsSchema: ServiceSchema = {
  name: 'rentals',
  entities: [PropertyEntity, BookingEntity, ImageEntity, ApplicationEntity],
  migrations: [RentalsSchema1761000000000, SearchAndPricing1762000000000, Calendars1763200000000],
};
