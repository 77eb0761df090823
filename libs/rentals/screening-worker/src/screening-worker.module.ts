import { Module } from '@nestjs/common';
import type { ConfigOf } from '@rentguy/platform/config';
import { RentalsDataAccessModule } from '@rentguy/rentals/data-access';
import { SandboxScreeningProvider } from './sandbox-screening.provider';
import { screeningWorkerConfig } from './screening-worker.config';
import { ScreeningMetrics } from './screening.metrics';
import { ScreeningProcessor } from './screening.processor';
import { SCREENING_PROVIDER, type ScreeningProvider } from './screening.provider';
import { ScreeningService } from './screening.service';

function createProvider(config: ConfigOf<typeof screeningWorkerConfig>): ScreeningProvider {
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
    { provide: SCREENING_PROVIDER, inject: [screeningWorkerConfig.token], useFactory: createProvider },
    ScreeningMetrics,
    ScreeningService,
    ScreeningProcessor,
  ],
})
export class ScreeningWorkerModule {}
