import { z } from 'zod';

/** A refresh token as login hands it out: 43 base64url characters (32 random bytes). */
export const refreshSchema = z.strictObject({
  refreshToken: z.string().min(1).max(200),
});

export type RefreshDto = z.infer<typeof refreshSchema>;
