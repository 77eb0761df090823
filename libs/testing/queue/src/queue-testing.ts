import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { jobSchedulers, type JobSchedulerId, type QueueName } from '@rentguy/contracts';
import {
  JobSchedulers,
  QueueInspector,
  QueueRegistry,
  type JobSnapshot,
  type JobStateName,
} from '@rentguy/platform/queue';

/** A Redis key prefix unique to one test file or test, so parallel suites never share jobs. */
export const randomPrefix = (): string => `test-${randomUUID().slice(0, 8)}`;

/** Deletes every key of the app's queues (jobs of all states, counters, meta). Tests only. */
export async function obliterateQueues(app: INestApplicationContext): Promise<void> {
  for (const [, queue] of app.get(QueueRegistry).entries()) {
    await queue.obliterate({ force: true });
  }
}

/** Removes waiting and delayed jobs of `queue`. Tests only. */
export async function drainQueue(app: INestApplicationContext, queue: QueueName): Promise<void> {
  await app.get(QueueRegistry).queue(queue).drain(true);
}

/**
 * Adds a job without validating its payload, as a buggy or outdated producer would. Tests only.
 * @returns the job id.
 */
export async function addRawJob(
  app: INestApplicationContext,
  queue: QueueName,
  name: string,
  data: unknown,
  options: { jobId: string; attempts?: number },
): Promise<string> {
  await app
    .get(QueueRegistry)
    .queue(queue)
    .add(name, data, { jobId: options.jobId, attempts: options.attempts ?? 5 });
  return options.jobId;
}

/** Polls until the job reaches one of `states`; rejects with its last snapshot on timeout. */
export async function waitForJobState(
  app: INestApplicationContext,
  queue: QueueName,
  id: string,
  states: JobStateName[],
  timeoutMs = 10_000,
): Promise<JobSnapshot> {
  const inspector = app.get(QueueInspector);
  const deadline = Date.now() + timeoutMs;
  let last: JobSnapshot | undefined;
  while (Date.now() < deadline) {
    last = await inspector.getJob(queue, id);
    if (last && states.includes(last.state)) {
      return last;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(
    `job ${id} on "${queue}" did not reach ${states.join('|')} in ${timeoutMs} ms; last: ${JSON.stringify(last)}`,
  );
}

/**
 * Adds a run of scheduler `id`'s job now (as `JobSchedulers.runNow` does) and waits until the app's
 * worker has completed it; rejects with the job's snapshot when it fails. Tests only.
 */
export async function runScheduledJobNow(
  app: INestApplicationContext,
  id: JobSchedulerId,
  timeoutMs = 10_000,
): Promise<JobSnapshot> {
  const runId = await app.get(JobSchedulers).runNow(id);
  const { queue } = jobSchedulers[id];
  const settled = await waitForJobState(app, queue, runId, ['completed', 'failed'], timeoutMs);
  if (settled.state === 'failed') {
    throw new Error(`scheduled job ${runId} failed: ${settled.failedReason ?? 'no reason'}`);
  }
  return settled;
}
