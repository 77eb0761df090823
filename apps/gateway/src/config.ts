import { z } from 'zod';
import {
  baseConfig,
  cacheConfig,
  databaseConfig,
  httpConfig,
  jwtConfig,
  publicUrlConfig,
  redisConfig,
} from '@rentguy/platform/config';

export const gatewayConfigSchema = z.object({
  ...baseConfig,
  ...httpConfig(3000, 9100),
  ...databaseConfig,
  ...redisConfig,
  ...cacheConfig,
  ...jwtConfig,
  ...publicUrlConfig,
  RENTALS_URL: z.url().default('http://127.0.0.1:3001'),
  PAYMENTS_URL: z.url().default('http://127.0.0.1:3002'),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((o) => o.trim()).filter(Boolean)),
  UPLOAD_LIMIT_BYTES: z.coerce.number().int().positive().default(15 * 1024 * 1024),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
