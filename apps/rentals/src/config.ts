import { imageUploadConfig } from '@rentguy/contracts';
import { cacheConfig } from '@rentguy/platform/cache';
import { composeConfig, type ConfigOf } from '@rentguy/platform/config';
import { databaseConfig } from '@rentguy/platform/database';
import { lifecycleConfig } from '@rentguy/platform/health';
import { httpConfig } from '@rentguy/platform/http';
import { loggingConfig } from '@rentguy/platform/logging';
import { messagingConfig } from '@rentguy/platform/messaging';
import { queueConfig } from '@rentguy/platform/queue';
import { storageConfig } from '@rentguy/platform/storage';
import { tracingConfig } from '@rentguy/platform/tracing';
import { rentalsDataAccessConfig } from '@rentguy/rentals/data-access';
import { rentalsConfig } from '@rentguy/rentals/feature';

export const appConfig = composeConfig('rentals', [
  tracingConfig,
  loggingConfig,
  lifecycleConfig,
  httpConfig,
  databaseConfig,
  messagingConfig,
  queueConfig,
  cacheConfig,
  storageConfig,
  imageUploadConfig,
  rentalsDataAccessConfig,
  rentalsConfig,
]);

export type AppConfig = ConfigOf<typeof appConfig>;
