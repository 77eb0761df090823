import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { context } from '@opentelemetry/api';
import { DataSource, type EntityManager, type EntitySubscriberInterface, type QueryRunner } from 'typeorm';
import { describeError } from '@rentguy/platform/errors';

type Task = () => Promise<void>;

/**
 * Runs work once a transaction has committed, and never when it rolls back: how a consumer that
 * only gets an EntityManager enqueues jobs "after commit" (docs/architecture.md: never enqueue inside an open
 * transaction). Tasks run inside TypeORM's commit call, so they delay the caller a little but not
 * the commit itself; a failing task is logged and swallowed because the data is already committed
 * and a periodic sweep must be the safety net.
 */
@Injectable()
export class AfterCommitHooks implements OnModuleInit {
  private readonly logger = new Logger(AfterCommitHooks.name);
  /**
   * One frame per open (sub)transaction of a runner, innermost last: a task registered inside a
   * savepoint must be dropped when that savepoint rolls back, even if the outer transaction commits.
   */
  private readonly frames = new WeakMap<QueryRunner, Task[][]>();

  constructor(private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    const subscriber: EntitySubscriberInterface = {
      afterTransactionStart: ({ queryRunner }) => {
        const stack = this.frames.get(queryRunner) ?? [];
        stack.push([]);
        this.frames.set(queryRunner, stack);
      },
      afterTransactionCommit: async ({ queryRunner }) => {
        const stack = this.frames.get(queryRunner);
        const tasks = stack?.pop() ?? [];
        if (stack && stack.length > 0) {
          // Only a savepoint was released: its tasks now share the fate of the enclosing transaction.
          stack[stack.length - 1]?.push(...tasks);
          return;
        }
        this.frames.delete(queryRunner);
        for (const task of tasks) {
          try {
            await task();
          } catch (error) {
            this.logger.error(`after-commit task failed: ${describeError(error)}`);
          }
        }
      },
      afterTransactionRollback: ({ queryRunner }) => {
        const stack = this.frames.get(queryRunner);
        stack?.pop();
        if (!stack || stack.length === 0) {
          this.frames.delete(queryRunner);
        }
      },
    };
    this.dataSource.subscribers.push(subscriber);
  }

  /**
   * Schedules `task` for after the commit of the transaction `manager` belongs to. The task runs in
   * the trace context of its registration (the commit happens in the caller's, e.g. the Kafka
   * engine's), so a job it enqueues continues the trace of the work that asked for it.
   */
  register(manager: EntityManager, work: Task): void {
    const task = context.bind(context.active(), work);
    const runner = manager.queryRunner;
    if (!runner?.isTransactionActive) {
      throw new Error('after-commit work needs the EntityManager of an open transaction');
    }
    const stack = this.frames.get(runner);
    const frame = stack?.[stack.length - 1];
    if (!stack || !frame) {
      // A transaction opened before this provider subscribed: treat it as one level.
      this.frames.set(runner, [[task]]);
      return;
    }
    frame.push(task);
  }
}
