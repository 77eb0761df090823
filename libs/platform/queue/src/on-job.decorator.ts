import { DiscoveryService } from '@nestjs/core';
import type { JobName, QueueName } from '@rentguy/contracts';
import type { JobHandler } from './queue.types';

/** What `@OnJob` records on a method; read back by the worker host through `DiscoveryService`. */
export interface OnJobMetadata {
  queue: QueueName;
  job: string;
}

export const OnJobMetadata = DiscoveryService.createDecorator<OnJobMetadata>();

/**
 * Declares the method as the handler of `job` on `queue`. The method receives the payload, already
 * validated against the contracts catalog, typed from it at compile time. The app's worker for the
 * queue (`QueueModule.forRoot({ workers })`) refuses to start unless each job has exactly one.
 */
export function OnJob<Q extends QueueName, J extends JobName<Q>>(queue: Q, job: J) {
  const decorate = OnJobMetadata({ queue, job });
  return <H extends JobHandler<Q, J>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<H>,
  ): void => {
    decorate(target, key, descriptor);
  };
}
