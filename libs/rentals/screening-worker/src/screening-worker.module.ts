import { Module } from '@nestjs/common';
import { APP_CONFIG } from '@rentguy/platform/config';
import { RentalsDataAccessModule } from '@rentguy/rentals/data-access';
import { SandboxScreeningProvider } from './sandbox-screening.provider';
import type { ScreeningWorkerConfig } from './screening-worker.config';
import { ScreeningMetrics } from './screening.metrics';
import { ScreeningProcessor } from './screening.processor';
import { SCREENING_PROVIDER, type ScreeningProvider } from './screening.provider';
import { ScreeningService } from './screening.service';

function createProvider(config: Pick<ScreeningWorkerConfig, 'SCREENING_PROVIDER'>): ScreeningProvider {
  switch (config.SCREENING_PROVIDER) {
    case 'sandbox':
      return new SandboxScreeningProvider();
  }
}

/**
 * The screening worker: decides `application.screen` jobs. Needs the app's ConfigModule (with
 * `screeningWorkerConfig`), DatabaseModule (rentals schema), QueueModule (`screening`, with its worker),
 * MessagingModule (rentals schema; its relay runs in the rentals app), MetricsModule, HealthModule.
 */
@Module({
  imports: [RentalsDataAccessModule],
  providers: [
    { provide: SCREENING_PROVIDER, inject: [APP_CONFIG], useFactory: createProvider },
    ScreeningMetrics,
    ScreeningService,
    ScreeningProcessor,
  ],
})
export class ScreeningWorkerModule {}
