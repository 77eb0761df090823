import { z } from 'zod';

/** `POST /v1/admin/payments/:id/refunds`: a goodwill refund, with the admin's reason for the audit trail. */
export const createRefundSchema = z
  .object({
    amount: z.number().int().positive(),
    reason: z.string().trim().min(1).max(500),
  })
  .strict();
export type CreateRefund = z.infer<typeof createRefundSchema>;

export const paymentIdSchema = z.uuid();
