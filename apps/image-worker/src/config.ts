import { z } from 'zod';
import { baseConfig, databaseConfig, opsConfig, redisConfig, storageConfig } from '@rentguy/platform/config';
import { imageWorkerConfig } from '@rentguy/rentals/image-worker';

export const imageWorkerConfigSchema = z.object({
  ...baseConfig,
  ...opsConfig(9104),
  ...databaseConfig,
  ...redisConfig,
  ...storageConfig,
  ...imageWorkerConfig,
});

export type ImageWorkerConfig = z.infer<typeof imageWorkerConfigSchema>;
