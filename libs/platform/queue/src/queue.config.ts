import { z } from 'zod';
import { defineConfig } from '@rentguy/platform/config';

/** BullMQ's Redis: it must run with `maxmemory-policy noeviction` (an evicted key is a lost job). */
export const queueConfig = defineConfig('queue', {
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
});
