import { queueCatalog, type QueueName } from '@rentguy/contracts';
import type { z } from 'zod';

/** The names of every queue the catalog declares. */
export const catalogQueueNames = (): QueueName[] => Object.keys(queueCatalog) as QueueName[];

export const isCatalogQueue = (name: string): name is QueueName => Object.hasOwn(queueCatalog, name);

/** The job names the catalog declares for `queue`. */
export const catalogJobNames = (queue: QueueName): string[] => Object.keys(queueCatalog[queue]);

/** The payload schema of `queue`/`job`, or undefined when the catalog does not declare that job. */
export function payloadSchema(queue: QueueName, job: string): z.ZodType | undefined {
  const jobs: Readonly<Record<string, z.ZodType>> = queueCatalog[queue];
  return Object.hasOwn(jobs, job) ? jobs[job] : undefined;
}
