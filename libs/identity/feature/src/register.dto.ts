import { z } from 'zod';

/** A new password: 10 to 200 characters (the cap bounds the hashing work). */
export const newPasswordSchema = z.string().min(10).max(200);

/** The languages an account's emails are written in. */
export const localeSchema = z.enum(['en', 'nl']);

/** Self-registration; `admin` is never self-assigned (`npm run admin:create`). Unknown fields are rejected. */
export const registerSchema = z
  .strictObject({
    email: z.email().max(254),
    password: newPasswordSchema,
    name: z.string().trim().min(1).max(100),
    role: z.enum(['guest', 'host']),
    locale: localeSchema.default('en'),
  })
  .meta({
    examples: [
      { email: 'host@example.com', password: 'correct horse battery', name: 'Hanna Host', role: 'host' },
    ],
  });

export type RegisterDto = z.infer<typeof registerSchema>;

export const registerResponseSchema = z.object({
  user: z.object({ id: z.uuid(), email: z.string(), role: z.enum(['guest', 'host', 'admin']) }),
  accessToken: z.string(),
});

export type RegisterResponse = z.infer<typeof registerResponseSchema>;
