import { Module } from '@nestjs/common';
import { ApplicationRepository } from './application.repository';
import { AnalyticsRepository } from './analytics.repository';
import { BookingRepository } from './booking.repository';
import { CalendarFeedRepository } from './calendar-feed.repository';
import { CalendarRepository } from './calendar.repository';
import { ImageRepository } from './image.repository';
import { PropertyRepository } from './property.repository';

/**
 * The rentals repositories. Needs the app's `DatabaseModule` (which provides the `TransactionRunner`)
 * configured with `rentalsSchema`.
 */
const REPOSITORIES = [
  PropertyRepository,
  BookingRepository,
  ImageRepository,
  ApplicationRepository,
  CalendarRepository,
  CalendarFeedRepository,
  AnalyticsRepository,
];

@Module({ providers: REPOSITORIES, exports: REPOSITORIES })
export class RentalsDataAccessModule {}
