import { Injectable, Scope } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { catalogJobNames } from './queue-catalog';
import { findWorkerBootProblems } from './handler-set';
import { JobHandlerExplorer } from './job-handler.explorer';
import { OnJob } from './on-job.decorator';
import type { JobContext, JobOutcome } from './queue.types';

@Injectable()
class ImageProcessor {
  readonly seen: string[] = [];

  @OnJob('images', 'image.process')
  async process(data: { imageId: string }, job: JobContext): Promise<JobOutcome> {
    // `this` is the provider instance Nest created.
    this.seen.push(`${data.imageId}@${job.attempt}`);
    return { status: 'done' };
  }

  notAHandler(): string {
    return 'ignored';
  }
}

@Injectable()
class MaintenanceProcessor {
  @OnJob('rentals-maintenance', 'holds.expire')
  async expire(): Promise<JobOutcome> {
    return { status: 'done' };
  }

  @OnJob('rentals-maintenance', 'holds.cross-check')
  async crossCheck(): Promise<JobOutcome> {
    return { status: 'done' };
  }

  @OnJob('rentals-maintenance', 'pending-jobs.requeue')
  async requeue(): Promise<JobOutcome> {
    return { status: 'skipped', reason: 'nothing to do' };
  }
}

@Injectable()
class SecondImageProcessor {
  @OnJob('images', 'image.process')
  async process(): Promise<JobOutcome> {
    return { status: 'done' };
  }
}

@Injectable({ scope: Scope.REQUEST })
class RequestScopedProcessor {
  @OnJob('images', 'image.process')
  async process(): Promise<JobOutcome> {
    return { status: 'done' };
  }
}

class WrongPayload {
  // @ts-expect-error the payload of image.process is not an email delivery
  @OnJob('images', 'image.process')
  async process(data: { deliveryId: number }): Promise<JobOutcome> {
    return { status: 'skipped', reason: String(data.deliveryId) };
  }

  // @ts-expect-error a handler answers a JobOutcome
  @OnJob('email', 'email.send')
  async send(): Promise<string> {
    return 'sent';
  }

  // @ts-expect-error the catalog declares no such job for the queue
  @OnJob('images', 'image.resize')
  async resize(): Promise<JobOutcome> {
    return { status: 'done' };
  }
}

async function discover(...providers: (new (...args: never[]) => object)[]) {
  const module = await Test.createTestingModule({
    imports: [DiscoveryModule],
    providers: [JobHandlerExplorer, ...providers],
  }).compile();
  return { module, handlers: module.get(JobHandlerExplorer).explore() };
}

const context: JobContext = {
  queue: 'images',
  name: 'image.process',
  id: 'j1',
  attempt: 2,
  maxAttempts: 5,
  isFinalAttempt: false,
};

describe('@OnJob discovery', () => {
  it('finds every @OnJob method of the providers, and only those', async () => {
    const { handlers } = await discover(ImageProcessor, MaintenanceProcessor);
    expect(handlers.map(({ queue, job, owner }) => ({ queue, job, owner }))).toEqual(
      expect.arrayContaining([
        { queue: 'images', job: 'image.process', owner: 'ImageProcessor.process' },
        { queue: 'rentals-maintenance', job: 'holds.expire', owner: 'MaintenanceProcessor.expire' },
        { queue: 'rentals-maintenance', job: 'holds.cross-check', owner: 'MaintenanceProcessor.crossCheck' },
        { queue: 'rentals-maintenance', job: 'pending-jobs.requeue', owner: 'MaintenanceProcessor.requeue' },
      ]),
    );
    expect(handlers).toHaveLength(4);
    expect(new WrongPayload()).toBeInstanceOf(WrongPayload);
  });

  it('calls the method on the instance Nest created', async () => {
    const { module, handlers } = await discover(ImageProcessor);
    const handler = handlers.find((h) => h.owner === 'ImageProcessor.process');
    await expect(handler?.handle({ imageId: 'i1' }, context)).resolves.toEqual({ status: 'done' });
    expect(module.get(ImageProcessor).seen).toEqual(['i1@2']);
  });

  it('lets the worker of a queue start when each declared job has exactly one handler', async () => {
    const { handlers } = await discover(ImageProcessor, MaintenanceProcessor);
    // The processors here handle three of rentals-maintenance's jobs; each other job it declares
    // (outbox retention, calendar sync, …) is reported, and nothing else.
    const handled = new Set(handlers.map((h) => h.job));
    const unhandled = catalogJobNames('rentals-maintenance').filter((job) => !handled.has(job));
    expect(unhandled).toContain('outbox.prune');
    expect(findWorkerBootProblems(['images', 'rentals-maintenance'], catalogJobNames, handlers)).toEqual(
      unhandled.map((job) => `job "${job}" is declared for queue "rentals-maintenance" but has no handler`),
    );
  });

  it('refuses a job with two handlers, naming both', async () => {
    const { handlers } = await discover(ImageProcessor, SecondImageProcessor);
    expect(findWorkerBootProblems(['images'], catalogJobNames, handlers)).toEqual([
      'job "image.process" of queue "images" has 2 handlers (ImageProcessor.process, SecondImageProcessor.process); it must have exactly one',
    ]);
  });

  it('refuses a worker whose declared job has no handler', async () => {
    const { handlers } = await discover(MaintenanceProcessor);
    expect(findWorkerBootProblems(['images'], catalogJobNames, handlers)).toEqual([
      'MaintenanceProcessor.expire handles "rentals-maintenance"/"holds.expire", but this app runs no worker for queue "rentals-maintenance" (QueueModule.forRoot({ workers }))',
      'MaintenanceProcessor.crossCheck handles "rentals-maintenance"/"holds.cross-check", but this app runs no worker for queue "rentals-maintenance" (QueueModule.forRoot({ workers }))',
      'MaintenanceProcessor.requeue handles "rentals-maintenance"/"pending-jobs.requeue", but this app runs no worker for queue "rentals-maintenance" (QueueModule.forRoot({ workers }))',
      'job "image.process" is declared for queue "images" but has no handler',
    ]);
  });

  it('refuses a handler on a request-scoped provider', async () => {
    const { handlers } = await discover(RequestScopedProcessor);
    expect(findWorkerBootProblems(['images'], catalogJobNames, handlers)).toEqual([
      'RequestScopedProcessor.process handles "image.process" on a request-scoped provider',
    ]);
  });
});
