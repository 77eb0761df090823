import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager, type EntitySubscriberInterface, type QueryRunner } from 'typeorm';

type Task = () => Promise<void>;

/**
 * Runs work once a transaction has committed, and never when it rolls back: how a consumer that
 * only gets an EntityManager enqueues jobs "after commit" (STYLE: never enqueue from inside an open
 * transaction). Tasks run inside TypeORM's commit call, so they delay the caller a little but not
 * the commit itself; a failing task is logged and swallowed because the data is already committed
 * and a periodic sweep must be the safety net.
 */
@Injectable()
export class AfterCommitHooks implements OnModuleInit {
  private readonly logger = new Logger(AfterCommitHooks.name);
  private readonly pending = new WeakMap<QueryRunner, Task[]>();

  constructor(private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    const subscriber: EntitySubscriberInterface = {
      afterTransactionCommit: async ({ queryRunner }) => {
        // Still active: only a savepoint was released; the outer transaction can still roll back.
        if (queryRunner.isTransactionActive) {
          return;
        }
        const tasks = this.pending.get(queryRunner);
        this.pending.delete(queryRunner);
        for (const task of tasks ?? []) {
          try {
            await task();
          } catch (error) {
            this.logger.error(
              `after-commit task failed: ${error instanceof Error ? error.message : String(error)}`,
            );
          }
        }
      },
      afterTransactionRollback: ({ queryRunner }) => {
        if (!queryRunner.isTransactionActive) {
          this.pending.delete(queryRunner);
        }
      },
    };
    this.dataSource.subscribers.push(subscriber);
  }

  /** Schedules `task` for after the commit of the transaction `manager` belongs to. */
  register(manager: EntityManager, task: Task): void {
    const runner = manager.queryRunner;
    if (!runner?.isTransactionActive) {
      throw new Error('after-commit work needs the EntityManager of an open transaction');
    }
    const tasks = this.pending.get(runner) ?? [];
    tasks.push(task);
    this.pending.set(runner, tasks);
  }
}
