import { z } from 'zod';
import {
  baseConfig,
  databaseConfig,
  httpConfig,
  jwtConfig,
  kafkaConfig,
  redisConfig,
  smtpConfig,
} from '@rentguy/platform/config';

export const notificationsConfigSchema = z.object({
  ...baseConfig,
  ...httpConfig(3003, 9103),
  ...databaseConfig,
  ...redisConfig,
  ...kafkaConfig,
  ...smtpConfig,
  ...jwtConfig,
  EMAIL_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(50).default(5),
  /** 0 turns the pending-delivery sweep off; otherwise at least a second. */
  EMAIL_SWEEP_INTERVAL_MS: z.coerce
    .number()
    .int()
    .refine((ms) => ms === 0 || ms >= 1000, 'must be 0 (off) or at least 1000')
    .default(30_000),
  EMAIL_SWEEP_MIN_AGE_MS: z.coerce.number().int().min(1000).default(60_000),
});

export type NotificationsAppConfig = z.infer<typeof notificationsConfigSchema>;
