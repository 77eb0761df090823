import { z } from 'zod';
import { baseConfig, databaseConfig, opsConfig, redisConfig, storageConfig } from '@rentguy/platform/config';
import { imagesWorkerConfig } from '@rentguy/rentals/images';

export const imageWorkerConfigSchema = z.object({
  ...baseConfig,
  ...opsConfig(9104),
  ...databaseConfig,
  ...redisConfig,
  ...storageConfig,
  ...imagesWorkerConfig,
});

export type ImageWorkerConfig = z.infer<typeof imageWorkerConfigSchema>;
