import { z } from 'zod';

// No email format check: any mismatch is the same 401, and the 200-char cap bounds the hashing work.
export const loginSchema = z
  .strictObject({
    email: z.string().min(1).max(254),
    password: z.string().min(1).max(200),
  })
  .meta({ examples: [{ email: 'guest@example.com', password: 'correct horse battery' }] });

export type LoginDto = z.infer<typeof loginSchema>;

/** The answer of login and refresh: a new access token and the refresh token that replaces the last. */
export const loginResponseSchema = z
  .object({
    accessToken: z.string(),
    refreshToken: z
      .string()
      .meta({ description: 'Single use: `POST /v1/auth/refresh` swaps it for a new pair.' }),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int().meta({ description: 'seconds the access token lives (at most 900)' }),
  })
  .meta({
    examples: [{ accessToken: 'eyJhbGciOi…', refreshToken: 'rt_…', tokenType: 'Bearer', expiresIn: 900 }],
  });

export type LoginResponse = z.infer<typeof loginResponseSchema>;
