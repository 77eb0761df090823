/**
 * Problems that keep a worker from starting: every job the catalog declares for its queue needs
 * exactly one handler, and a handler for a job the catalog does not declare would never run.
 */
export function findHandlerSetProblems(
  queue: string,
  declared: readonly string[],
  registered: readonly string[],
): string[] {
  const problems: string[] = [];
  const counts = new Map<string, number>();
  for (const job of registered) {
    counts.set(job, (counts.get(job) ?? 0) + 1);
  }
  for (const job of declared) {
    if (!counts.has(job)) {
      problems.push(`job "${job}" is declared for queue "${queue}" but has no handler`);
    }
  }
  for (const [job, count] of counts) {
    if (!declared.includes(job)) {
      problems.push(`a handler is registered for job "${job}", which is not declared for queue "${queue}"`);
    } else if (count > 1) {
      problems.push(`job "${job}" has ${count} handlers; it must have exactly one`);
    }
  }
  return problems;
}
