import { z } from 'zod';

/** A new password: 10 to 200 characters (the cap bounds the hashing work). */
export const newPasswordSchema = z.string().min(10).max(200);

/** The languages an account's emails are written in. */
export const localeSchema = z.enum(['en', 'nl']);

/** Self-registration; `admin` is never self-assigned (`npm run admin:create`). Unknown fields are rejected. */
export const registerSchema = z.strictObject({
  email: z.email().max(254),
  password: newPasswordSchema,
  name: z.string().trim().min(1).max(100),
  role: z.enum(['guest', 'host']),
  locale: localeSchema.default('en'),
});

export type RegisterDto = z.infer<typeof registerSchema>;

export interface RegisterResponse {
  user: { id: string; email: string; role: 'guest' | 'host' | 'admin' };
  accessToken: string;
}
