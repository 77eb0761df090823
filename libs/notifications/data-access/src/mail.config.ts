import { z } from 'zod';
import { defineConfig } from '@rentguy/platform/config';

/** The SMTP relay emails go out through, their sender, and how hard we may push the relay. */
export const mailConfig = defineConfig('mail', {
  SMTP_URL: z.url().default('smtp://127.0.0.1:1025'),
  MAIL_FROM: z.string().default('RentGuy <no-reply@rentguy.test>'),
  /** Open SMTP connections of the pool (per notifications instance). */
  SMTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100).default(5),
  /** Most messages handed to the relay per second (per instance); 0 for no limit. */
  SMTP_RATE_PER_SECOND: z.coerce.number().int().min(0).max(10_000).default(0),
});
