import { z } from 'zod';
import { defineConfig, portSchema, servicePorts } from '@rentguy/platform/config';

/** Where the ops port listens and how a stop drains (`runWithLifecycle`); every app reads it. */
export const lifecycleConfig = defineConfig('lifecycle', (service) => ({
  /** Interface of the ops port, and of the public port of an HTTP app. */
  HOST: z.string().default('127.0.0.1'),
  OPS_PORT: portSchema.default(servicePorts[service].ops),
  /** How long readiness reports 503 before the app starts draining, so load balancers stop routing. */
  SHUTDOWN_DRAIN_DELAY_MS: z.coerce.number().int().min(0).default(2000),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(1000).default(25000),
}));
