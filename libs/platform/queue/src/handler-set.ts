/** A handler as the boot check sees it: the job it handles and who declares it. */
export interface HandlerDeclaration {
  job: string;
  owner: string;
}

/**
 * Problems that keep a worker from starting: every job the catalog declares for its queue needs
 * exactly one handler, and a handler for a job the catalog does not declare would never run.
 */
export function findHandlerSetProblems(
  queue: string,
  declared: readonly string[],
  handlers: readonly HandlerDeclaration[],
): string[] {
  const problems: string[] = [];
  const owners = new Map<string, string[]>();
  for (const { job, owner } of handlers) {
    owners.set(job, [...(owners.get(job) ?? []), owner]);
  }
  for (const job of declared) {
    if (!owners.has(job)) {
      problems.push(`job "${job}" is declared for queue "${queue}" but has no handler`);
    }
  }
  for (const [job, by] of owners) {
    if (!declared.includes(job)) {
      problems.push(`${by.join(', ')} handles job "${job}", which is not declared for queue "${queue}"`);
    } else if (by.length > 1) {
      problems.push(
        `job "${job}" of queue "${queue}" has ${by.length} handlers (${by.join(', ')}); it must have exactly one`,
      );
    }
  }
  return problems;
}

/**
 * Problems across the whole app: the handler set of every queue it works, and handlers of queues
 * it runs no worker for (they would never be called).
 */
export function findWorkerBootProblems<Q extends string>(
  workerQueues: readonly Q[],
  declaredJobs: (queue: Q) => readonly string[],
  handlers: readonly (HandlerDeclaration & { queue: string; problem?: string })[],
): string[] {
  const problems = handlers.flatMap((h) => (h.problem ? [h.problem] : []));
  for (const { queue, job, owner } of handlers) {
    if (!(workerQueues as readonly string[]).includes(queue)) {
      problems.push(
        `${owner} handles "${queue}"/"${job}", but this app runs no worker for queue "${queue}" (QueueModule.forRoot({ workers }))`,
      );
    }
  }
  for (const queue of workerQueues) {
    problems.push(
      ...findHandlerSetProblems(
        queue,
        declaredJobs(queue),
        handlers.filter((h) => h.queue === queue),
      ),
    );
  }
  return problems;
}
