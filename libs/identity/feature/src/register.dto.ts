import { z } from 'zod';

/** Self-registration; `admin` is never self-assigned. Unknown fields are rejected. */
export const registerSchema = z
  .strictObject({
    email: z.email().max(254),
    password: z.string().min(10).max(200),
    name: z.string().trim().min(1).max(100),
    role: z.enum(['guest', 'host']),
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
