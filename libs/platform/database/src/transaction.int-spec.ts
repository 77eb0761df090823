import { randomInt } from 'node:crypto';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { HealthModule } from '@rentguy/platform/health';
import { MetricsModule } from '@rentguy/platform/metrics';
import { testConfigModule, testEnvironment } from '@rentguy/testing/platform';
import { AfterCommitHooks } from './after-commit.hooks';
import { databaseConfig } from './database.config';
import { DatabaseModule } from './database.module';
import { sqlStateOf } from './sql-state.util';
import { TRANSACTION_MAX_ATTEMPTS, TransactionRunner, type Tx } from './transaction.runner';

const DATABASE_URL = testEnvironment().databaseUrl;
const schema = `db_test_${Array.from({ length: 10 }, () => String.fromCharCode(97 + randomInt(26))).join('')}`;

@Module({
  imports: [
    testConfigModule('rentals', [databaseConfig], {
      DATABASE_URL,
      DATABASE_POOL_SIZE: '4',
      DATABASE_SLOW_QUERY_MS: '5000',
    }),
    MetricsModule,
    HealthModule.forRoot({ requires: [] }),
    DatabaseModule.forRoot({
      schema: { name: schema, migrations: [] },
      applicationName: 'database-int-spec',
    }),
  ],
})
class DatabaseTestModule {}

let admin: Client;
let app: INestApplicationContext;
let runner: TransactionRunner;
let hooks: AfterCommitHooks;

beforeAll(async () => {
  admin = new Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  await admin.query(`CREATE TABLE "${schema}".counters (id int PRIMARY KEY, value int NOT NULL)`);
  app = await NestFactory.createApplicationContext(DatabaseTestModule, { logger: false });
  runner = app.get(TransactionRunner);
  hooks = app.get(AfterCommitHooks);
});

afterAll(async () => {
  await app?.close();
  await admin?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin?.end();
});

beforeEach(async () => {
  await admin.query(`TRUNCATE "${schema}".counters`);
  await admin.query(`INSERT INTO "${schema}".counters (id, value) VALUES (1, 0), (2, 0)`);
});

/** Committed values, read over a separate connection. */
async function counters(): Promise<Record<number, number>> {
  const { rows } = await admin.query<{ id: number; value: number }>(
    `SELECT id, value FROM "${schema}".counters ORDER BY id`,
  );
  return Object.fromEntries(rows.map((row) => [row.id, row.value]));
}

function increment(tx: Tx, id: number): Promise<unknown> {
  return tx.query(`UPDATE "${schema}".counters SET value = value + 1 WHERE id = $1`, [id]);
}

/** Makes PostgreSQL itself fail the statement with `condition` (e.g. serialization_failure). */
function raise(tx: Tx, condition: string): Promise<unknown> {
  return tx.query(`DO $$ BEGIN RAISE EXCEPTION 'provoked' USING ERRCODE = '${condition}'; END $$`);
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('TransactionRunner', () => {
  it('lets two deadlocking transactions both commit: PostgreSQL aborts one, the runner reruns it', async () => {
    const firstLocked = deferred();
    const secondLocked = deferred();
    const attempts = { first: 0, second: 0 };
    const notified: string[] = [];

    // Opposite lock order: each waits for the row the other holds, a textbook deadlock (40P01).
    const first = runner.run(async (tx) => {
      attempts.first += 1;
      hooks.register(tx, async () => void notified.push(`first#${attempts.first}`));
      await increment(tx, 1);
      firstLocked.resolve();
      await secondLocked.promise;
      await increment(tx, 2);
    });
    const second = runner.run(async (tx) => {
      attempts.second += 1;
      hooks.register(tx, async () => void notified.push(`second#${attempts.second}`));
      await increment(tx, 2);
      secondLocked.resolve();
      await firstLocked.promise;
      await increment(tx, 1);
    });
    await Promise.all([first, second]);

    expect(await counters()).toEqual({ 1: 2, 2: 2 });
    expect(attempts.first + attempts.second).toBe(3);
    // The aborted attempt's after-commit work is dropped; the rerun's runs once.
    expect(notified.sort()).toEqual([`first#${attempts.first}`, `second#${attempts.second}`]);
  });

  it('reruns a serialization failure and keeps only the successful attempt', async () => {
    let attempts = 0;

    const result = await runner.run(async (tx) => {
      attempts += 1;
      await increment(tx, 1);
      if (attempts === 1) {
        await raise(tx, 'serialization_failure');
      }
      return attempts;
    });

    expect(result).toBe(2);
    expect(await counters()).toEqual({ 1: 1, 2: 0 });
  });

  it(`gives up after ${TRANSACTION_MAX_ATTEMPTS} attempts and rethrows PostgreSQL's error`, async () => {
    let attempts = 0;

    const failure = await runner
      .run(async (tx) => {
        attempts += 1;
        await increment(tx, 1);
        await raise(tx, 'deadlock_detected');
      })
      .catch((error: unknown) => error);

    expect(sqlStateOf(failure)).toBe('40P01');
    expect(attempts).toBe(TRANSACTION_MAX_ATTEMPTS);
    expect(await counters()).toEqual({ 1: 0, 2: 0 });
  });

  it('runs a transaction that broke any other rule once and rolls it back', async () => {
    let attempts = 0;

    const failure = await runner
      .run(async (tx) => {
        attempts += 1;
        await increment(tx, 1);
        await tx.query(`INSERT INTO "${schema}".counters (id, value) VALUES (2, 0)`);
      })
      .catch((error: unknown) => error);

    expect(sqlStateOf(failure)).toBe('23505');
    expect(attempts).toBe(1);
    expect(await counters()).toEqual({ 1: 0, 2: 0 });
  });

  it('exposes the pool manager for single statements outside a unit of work', async () => {
    await increment(runner.manager, 2);

    expect(await counters()).toEqual({ 1: 0, 2: 1 });
  });
});

describe('AfterCommitHooks', () => {
  it('runs tasks in order once the transaction has committed, when the data is visible to others', async () => {
    const ran: string[] = [];

    await runner.run(async (tx) => {
      await increment(tx, 1);
      hooks.register(tx, async () => void ran.push(`first sees ${(await counters())[1]}`));
      hooks.register(tx, async () => void ran.push('second'));
      expect(ran).toEqual([]);
    });

    expect(ran).toEqual(['first sees 1', 'second']);
  });

  it('never runs the tasks of a transaction that rolled back', async () => {
    const ran: string[] = [];

    await expect(
      runner.run(async (tx) => {
        await increment(tx, 1);
        hooks.register(tx, async () => void ran.push('task'));
        throw new Error('business rule broken');
      }),
    ).rejects.toThrow('business rule broken');

    expect(ran).toEqual([]);
    expect(await counters()).toEqual({ 1: 0, 2: 0 });
  });

  it('waits for the outer commit when registered inside a savepoint, and drops the task if the outer transaction rolls back', async () => {
    const ran: string[] = [];

    await runner.run(async (tx) => {
      await tx.transaction(async (savepoint) => {
        hooks.register(savepoint, async () => void ran.push(`committed, value ${(await counters())[1]}`));
      });
      expect(ran).toEqual([]);
      await increment(tx, 1);
    });
    await expect(
      runner.run(async (tx) => {
        await tx.transaction(async (savepoint) => {
          hooks.register(savepoint, async () => void ran.push('rolled back'));
        });
        throw new Error('outer transaction fails');
      }),
    ).rejects.toThrow('outer transaction fails');

    expect(ran).toEqual(['committed, value 1']);
  });

  it('drops a task registered inside a savepoint that rolled back, even when the outer transaction commits', async () => {
    const ran: string[] = [];

    await runner.run(async (tx) => {
      hooks.register(tx, async () => void ran.push('outer'));
      await tx
        .transaction(async (savepoint) => {
          await increment(savepoint, 2);
          hooks.register(savepoint, async () => void ran.push('rolled-back savepoint'));
          throw new Error('savepoint fails');
        })
        .catch(() => undefined);
      await tx.transaction(async (savepoint) => {
        hooks.register(savepoint, async () => void ran.push('released savepoint'));
      });
      await increment(tx, 1);
    });

    expect(ran).toEqual(['outer', 'released savepoint']);
    expect(await counters()).toEqual({ 1: 1, 2: 0 });
  });

  it('keeps the committed result when a task fails, and still runs the tasks after it', async () => {
    const ran: string[] = [];

    await runner.run(async (tx) => {
      await increment(tx, 1);
      hooks.register(tx, () => Promise.reject(new Error('queue unreachable')));
      hooks.register(tx, async () => void ran.push('next'));
    });

    expect(ran).toEqual(['next']);
    expect(await counters()).toEqual({ 1: 1, 2: 0 });
  });

  it('refuses a manager that is not inside an open transaction', () => {
    expect(() => hooks.register(runner.manager, () => Promise.resolve())).toThrow(
      'after-commit work needs the EntityManager of an open transaction',
    );
  });
});
