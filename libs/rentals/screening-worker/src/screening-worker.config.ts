import { z } from 'zod';
import { defineConfig } from '@rentguy/platform/config';

/** Settings of the screening worker. */
export const screeningWorkerConfig = defineConfig('screening-worker', {
  /** Applications screened in parallel; the work is waiting on the provider, not CPU. */
  SCREENING_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
  /** Which background-check provider decides; only the sandbox exists so far. */
  SCREENING_PROVIDER: z.enum(['sandbox']).default('sandbox'),
});
