import { composeConfig, type ConfigOf } from '@rentguy/platform/config';
import { databaseConfig } from '@rentguy/platform/database';
import { lifecycleConfig } from '@rentguy/platform/health';
import { loggingConfig } from '@rentguy/platform/logging';
import { messagingConfig } from '@rentguy/platform/messaging';
import { queueConfig } from '@rentguy/platform/queue';
import { tracingConfig } from '@rentguy/platform/tracing';
import { screeningWorkerConfig } from '@rentguy/rentals/screening-worker';

export const appConfig = composeConfig('screening-worker', [
  tracingConfig,
  loggingConfig,
  lifecycleConfig,
  databaseConfig,
  queueConfig,
  // The messaging library needs the brokers even though this worker only writes the outbox.
  messagingConfig,
  screeningWorkerConfig,
]);

export type AppConfig = ConfigOf<typeof appConfig>;
