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
    .transform((s) =>
      s
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    ),
  UPLOAD_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(15 * 1024 * 1024),
  /** Most keep-alive connections to each service (undici pool size). */
  UPSTREAM_CONNECTIONS: z.coerce.number().int().min(1).max(1024).default(64),
  UPSTREAM_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(2000),
  UPSTREAM_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).default(10000),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
