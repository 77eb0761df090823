import { z } from 'zod';
import {
  baseConfig,
  databaseConfig,
  httpConfig,
  jwtConfig,
  kafkaConfig,
  redisConfig,
} from '@rentguy/platform/config';
import { paymentsFeatureConfig } from '@rentguy/payments/feature';

export const paymentsConfigSchema = z.object({
  ...baseConfig,
  ...httpConfig(3002, 9102),
  ...databaseConfig,
  ...redisConfig,
  ...kafkaConfig,
  ...jwtConfig,
  ...paymentsFeatureConfig,
});

export type PaymentsConfig = z.infer<typeof paymentsConfigSchema>;
