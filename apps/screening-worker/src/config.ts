import { z } from 'zod';
import { baseConfig, databaseConfig, kafkaConfig, opsConfig, redisConfig } from '@rentguy/platform/config';
import { screeningWorkerConfig } from '@rentguy/rentals/screening-worker';

export const screeningWorkerConfigSchema = z.object({
  ...baseConfig,
  ...opsConfig(9105),
  ...databaseConfig,
  ...redisConfig,
  // The messaging library needs the brokers even though this worker only writes the outbox.
  ...kafkaConfig,
  ...screeningWorkerConfig,
});

export type ScreeningWorkerAppConfig = z.infer<typeof screeningWorkerConfigSchema>;
