import { Injectable } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { QueueName } from '@rentguy/contracts';
import { OnJobMetadata } from './on-job.decorator';
import type { JobContext, JobOutcome } from './queue.types';

/** One `@OnJob` method found on a provider instance. */
export interface DiscoveredJobHandler {
  queue: QueueName;
  job: string;
  /** `Class.method`, to name it in boot errors and logs. */
  owner: string;
  /** Problem that keeps it from being used (a request-scoped provider has no instance to call). */
  problem?: string;
  handle(data: unknown, job: JobContext): Promise<JobOutcome>;
}

/** Finds the `@OnJob` methods of every provider of the app. */
@Injectable()
export class JobHandlerExplorer {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  explore(): DiscoveredJobHandler[] {
    const found: DiscoveredJobHandler[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      // Aliases (`useExisting`) point at an instance discovered under its own token.
      if (wrapper.isAlias || !instance || typeof instance !== 'object') {
        continue;
      }
      const prototype: object | null = Object.getPrototypeOf(instance);
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const metadata = this.discovery.getMetadataByDecorator(OnJobMetadata, wrapper, method);
        if (!metadata) {
          continue;
        }
        const owner = `${instance.constructor.name}.${method}`;
        const target = instance as Record<string, (data: unknown, job: JobContext) => Promise<JobOutcome>>;
        found.push({
          queue: metadata.queue,
          job: metadata.job,
          owner,
          ...(wrapper.isDependencyTreeStatic()
            ? {}
            : { problem: `${owner} handles "${metadata.job}" on a request-scoped provider` }),
          handle: (data, job) => target[method].call(instance, data, job),
        });
      }
    }
    return found;
  }
}
