import { z } from 'zod';

// No email format check: any mismatch is the same 401, and the 200-char cap bounds the hashing work.
export const loginSchema = z.strictObject({
  email: z.string().min(1).max(254),
  password: z.string().min(1).max(200),
});

export type LoginDto = z.infer<typeof loginSchema>;

export interface LoginResponse {
  accessToken: string;
  /** Single use: `POST /v1/auth/refresh` swaps it for a new pair. */
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}
