import { z } from 'zod';
import { AUDIT_ACTIONS } from '@rentguy/contracts';

export const auditQuerySchema = z
  .strictObject({
    actor: z.uuid().optional(),
    action: z.enum(AUDIT_ACTIONS).optional(),
    from: z.iso.datetime({ offset: true }).pipe(z.coerce.date()).optional(),
    to: z.iso.datetime({ offset: true }).pipe(z.coerce.date()).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(512).optional(),
  })
  .refine((query) => !query.from || !query.to || query.from < query.to, {
    message: 'from must be before to',
    path: ['to'],
  });
export type AuditQuery = z.infer<typeof auditQuerySchema>;
