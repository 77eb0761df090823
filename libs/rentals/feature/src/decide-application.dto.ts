import { HOST_DECISIONS } from '@rentguy/rentals/domain';
import { z } from 'zod';

/** `POST /v1/host/applications/:id/decision`: the host's decision and why. */
export const decideApplicationSchema = z
  .object({
    decision: z.enum(HOST_DECISIONS),
    reason: z.string().trim().min(1).max(1_000),
  })
  .strict();

export type DecideApplicationDto = z.infer<typeof decideApplicationSchema>;
