import { z } from 'zod';

export const createApplicationSchema = z
  .object({
    propertyId: z.uuid(),
    // Screening without explicit consent is not allowed, so anything but `true` is refused.
    consent: z.literal(true, 'consent to the background check is required'),
    applicant: z
      .object({
        fullName: z.string().trim().min(1).max(200),
        dateOfBirth: z.iso
          .date()
          .refine((d) => d >= '1900-01-01' && d < new Date().toISOString().slice(0, 10), {
            message: 'dateOfBirth must be a past date',
          }),
      })
      .strict(),
  })
  .strict();

export type CreateApplicationDto = z.infer<typeof createApplicationSchema>;
