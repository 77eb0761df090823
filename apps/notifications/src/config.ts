import { mailConfig } from '@rentguy/notifications/data-access';
import { notificationsConfig } from '@rentguy/notifications/feature';
import { composeConfig, type ConfigOf } from '@rentguy/platform/config';
import { databaseConfig } from '@rentguy/platform/database';
import { lifecycleConfig } from '@rentguy/platform/health';
import { httpConfig } from '@rentguy/platform/http';
import { loggingConfig } from '@rentguy/platform/logging';
import { messagingConfig } from '@rentguy/platform/messaging';
import { queueConfig } from '@rentguy/platform/queue';
import { tracingConfig } from '@rentguy/platform/tracing';

export const appConfig = composeConfig('notifications', [
  tracingConfig,
  loggingConfig,
  lifecycleConfig,
  httpConfig,
  databaseConfig,
  messagingConfig,
  queueConfig,
  mailConfig,
  notificationsConfig,
]);

export type AppConfig = ConfigOf<typeof appConfig>;
