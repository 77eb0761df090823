import { z } from 'zod';

/** Self-registration; `admin` is never self-assigned. Unknown fields are rejected. */
export const registerSchema = z.strictObject({
  email: z.email().max(254),
  password: z.string().min(10).max(200),
  name: z.string().trim().min(1).max(100),
  role: z.enum(['guest', 'host']),
});

export type RegisterDto = z.infer<typeof registerSchema>;

export interface RegisterResponse {
  user: { id: string; email: string; role: 'guest' | 'host' | 'admin' };
  accessToken: string;
}
