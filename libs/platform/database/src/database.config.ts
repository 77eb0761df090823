import { z } from 'zod';
import { defineConfig } from '@rentguy/platform/config';

export const databaseConfig = defineConfig('database', {
  DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/rentguy'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /** Queries slower than this are logged (without their parameters). */
  DATABASE_SLOW_QUERY_MS: z.coerce.number().int().positive().default(500),
});
