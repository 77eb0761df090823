import { z } from 'zod';
import { defineConfig } from '@rentguy/platform/config';

export const loggingConfig = defineConfig('logging', {
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
});
