import { cacheConfig } from '@rentguy/platform/cache';
import { composeConfig, type ConfigOf } from '@rentguy/platform/config';
import { databaseConfig } from '@rentguy/platform/database';
import { lifecycleConfig } from '@rentguy/platform/health';
import { loggingConfig } from '@rentguy/platform/logging';
import { queueConfig } from '@rentguy/platform/queue';
import { storageConfig } from '@rentguy/platform/storage';
import { tracingConfig } from '@rentguy/platform/tracing';
import { imageWorkerConfig } from '@rentguy/rentals/image-worker';

export const appConfig = composeConfig('image-worker', [
  tracingConfig,
  loggingConfig,
  lifecycleConfig,
  databaseConfig,
  queueConfig,
  cacheConfig,
  storageConfig,
  imageWorkerConfig,
]);

export type AppConfig = ConfigOf<typeof appConfig>;
