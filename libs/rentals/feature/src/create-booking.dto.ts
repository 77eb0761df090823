import { z } from 'zod';

/** The client names the stay only; the price is always computed by the server. */
export const createBookingSchema = z
  .object({
    propertyId: z.uuid(),
    checkIn: z.iso.date(),
    checkOut: z.iso.date(),
    guests: z.number().int().min(1),
  })
  .strict();

export type CreateBookingDto = z.infer<typeof createBookingSchema>;
