import { z } from 'zod';

/**
 * BullMQ queues and their jobs, declared once. A worker refuses to start unless every job of its
 * queue has exactly one handler; names are string literals so renaming a class never orphans a job.
 */
export const queueCatalog = {
  images: {
    'image.process': z.object({ imageId: z.uuid(), propertyId: z.uuid(), originalKey: z.string().min(1) }),
  },
  screening: {
    'application.screen': z.object({ applicationId: z.uuid() }),
  },
  email: {
    'email.send': z.object({ deliveryId: z.uuid() }),
  },
} as const;

export type QueueName = keyof typeof queueCatalog;
export type JobName<Q extends QueueName> = keyof (typeof queueCatalog)[Q] & string;
export type JobData<Q extends QueueName, J extends JobName<Q>> = z.infer<
  (typeof queueCatalog)[Q][J] extends z.ZodType ? (typeof queueCatalog)[Q][J] : never
>;

/** Deterministic job ids (`<entity>-<job>`) make enqueueing idempotent. */
export const jobId = (entityId: string, job: string): string => `${entityId}-${job.replace(/\./g, '-')}`;
