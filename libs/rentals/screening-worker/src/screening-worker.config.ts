import { z } from 'zod';

/** Settings of the screening worker, spread into the screening-worker app's config schema. */
export const screeningWorkerConfig = {
  /** Applications screened in parallel; the work is waiting on the provider, not CPU. */
  SCREENING_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
  /** Which background-check provider decides; only the sandbox exists so far. */
  SCREENING_PROVIDER: z.enum(['sandbox']).default('sandbox'),
};

/** What the screening library reads from `APP_CONFIG`. */
export interface ScreeningWorkerConfig {
  SCREENING_WORKER_CONCURRENCY: number;
  SCREENING_PROVIDER: 'sandbox';
}
