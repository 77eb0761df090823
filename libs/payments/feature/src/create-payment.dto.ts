import { z } from 'zod';

export const createPaymentSchema = z.object({ provider: z.enum(['stripe']) }).strict();
export type CreatePayment = z.infer<typeof createPaymentSchema>;

export const bookingIdSchema = z.uuid();
