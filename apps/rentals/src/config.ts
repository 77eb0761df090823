import { z } from 'zod';
import {
  baseConfig,
  databaseConfig,
  httpConfig,
  jwtConfig,
  kafkaConfig,
  publicUrlConfig,
  redisConfig,
  storageConfig,
} from '@rentguy/platform/config';
import { rentalsFeatureConfig } from '@rentguy/rentals/feature';

export const rentalsConfigSchema = z.object({
  ...baseConfig,
  ...httpConfig(3001, 9101),
  ...databaseConfig,
  ...redisConfig,
  ...kafkaConfig,
  ...jwtConfig,
  ...publicUrlConfig,
  ...storageConfig,
  ...rentalsFeatureConfig,
});

export type RentalsConfig = z.infer<typeof rentalsConfigSchema>;
