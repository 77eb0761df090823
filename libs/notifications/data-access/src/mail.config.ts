import { z } from 'zod';
import { defineConfig } from '@rentguy/platform/config';

/** The SMTP relay emails go out through, and their sender. */
export const mailConfig = defineConfig('mail', {
  SMTP_URL: z.url().default('smtp://127.0.0.1:1025'),
  MAIL_FROM: z.string().default('RentGuy <no-reply@rentguy.test>'),
});
