import { imageUploadConfig } from '@rentguy/contracts';
import { edgeConfig, edgeHttpConfig, rateLimitConfig } from '@rentguy/gateway/edge';
import { identityConfig, identityMaintenanceConfig } from '@rentguy/identity/feature';
import { cacheConfig } from '@rentguy/platform/cache';
import { commaSeparated, composeConfig, defineConfig, type ConfigOf } from '@rentguy/platform/config';
import { databaseConfig } from '@rentguy/platform/database';
import { lifecycleConfig } from '@rentguy/platform/health';
import { httpConfig } from '@rentguy/platform/http';
import { loggingConfig } from '@rentguy/platform/logging';
import { messagingConfig } from '@rentguy/platform/messaging';
import { queueConfig } from '@rentguy/platform/queue';
import { tracingConfig } from '@rentguy/platform/tracing';

/** The public edge's CORS allow-list (`configureGateway`); empty, browsers get no CORS headers. */
export const corsConfig = defineConfig('cors', {
  CORS_ORIGINS: commaSeparated(),
});

export const appConfig = composeConfig('gateway', [
  tracingConfig,
  loggingConfig,
  lifecycleConfig,
  httpConfig,
  databaseConfig,
  messagingConfig,
  queueConfig,
  cacheConfig,
  identityConfig,
  identityMaintenanceConfig,
  edgeConfig,
  edgeHttpConfig,
  rateLimitConfig,
  imageUploadConfig,
  corsConfig,
]);

export type AppConfig = ConfigOf<typeof appConfig>;
