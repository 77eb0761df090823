import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { loadConfig } from '@rentguy/platform/config';
import { migrateSchema } from '@rentguy/platform/database';
import { JobQueue, type JobSnapshot } from '@rentguy/platform/queue';
import { queueTesting } from '@rentguy/testing/queue';
import { testEnvironment } from '@rentguy/testing/platform';
import {
  ApplicationRepository,
  PropertyRepository,
  rentalsSchema,
  type ApplicationEntity,
} from '@rentguy/rentals/data-access';
import {
  SandboxScreeningProvider,
  SCREENING_PROVIDER,
  ScreeningService,
  type ScreeningProvider,
} from '@rentguy/rentals/screening-worker';
import { DataSource } from 'typeorm';
import { AppModule, type AppModuleOptions } from './app.module';
import { createApp } from './bootstrap';
import { appConfig } from './config';

// The screening worker as it boots (createApp), against the test database and Redis; the provider
// outage below replaces the screening provider of the same module.
const env = testEnvironment();
const config = loadConfig(appConfig, {
  env: {
    LOG_LEVEL: 'silent',
    DATABASE_URL: env.databaseUrl,
    DATABASE_POOL_SIZE: '4',
    REDIS_URL: env.redisUrl,
    KAFKA_BROKERS: env.kafkaBrokers.join(','),
    SCREENING_WORKER_CONCURRENCY: '2',
  },
});
const isolated = (): AppModuleOptions => ({
  queue: {
    prefix: queueTesting.randomPrefix(),
    jobDefaults: { screening: { attempts: 3, backoff: { type: 'fixed', delayMs: 50 } } },
  },
});

interface OutboxRow {
  type: string;
  key: string;
  payload: { type: string; data: Record<string, unknown> };
}

describe('screening worker with PostgreSQL and Redis', () => {
  let app: INestApplicationContext;
  let jobs: JobQueue;
  let applications: ApplicationRepository;
  let dataSource: DataSource;
  let propertyId: string;

  beforeAll(async () => {
    await migrateSchema(rentalsSchema, {
      url: env.databaseUrl,
      applicationName: 'screening-worker-test-migrate',
    });
    app = await createApp(config, isolated());
    await app.init();
    jobs = app.get(JobQueue);
    applications = app.get(ApplicationRepository);
    dataSource = app.get(DataSource);
    propertyId = randomUUID();
    await app.get(PropertyRepository).insert({
      id: propertyId,
      hostId: randomUUID(),
      title: 'Cabin in the woods',
      description: 'Wood stove, no Wi-Fi.',
      city: 'Bergen',
      country: 'NO',
      nightlyPrice: 9_500,
      currency: 'NOK',
      maxGuests: 4,
    });
  });

  afterAll(async () => {
    await queueTesting.obliterateQueues(app);
    await app.close();
  });

  async function apply(
    fullName: string,
    dateOfBirth: string,
    consentAt = new Date(),
  ): Promise<ApplicationEntity> {
    return applications.insert({
      id: randomUUID(),
      propertyId,
      guestId: randomUUID(),
      consentAt,
      applicantFullName: fullName,
      applicantDateOfBirth: dateOfBirth,
    });
  }

  async function runJob(applicationId: string, jobId?: string): Promise<JobSnapshot> {
    const id = jobId
      ? await queueTesting.addRawJob(app, 'screening', 'application.screen', { applicationId }, { jobId })
      : await jobs.enqueue('screening', 'application.screen', { applicationId }, { entityId: applicationId });
    return queueTesting.waitForJobState(app, 'screening', id, ['completed', 'failed'], 20_000);
  }

  const outboxRows = (applicationId: string): Promise<OutboxRow[]> =>
    dataSource.query(`SELECT type, key, payload FROM rentals.outbox WHERE key = $1 ORDER BY id`, [
      applicationId,
    ]);

  it('screens the application for the host, purges the date of birth and writes one application.screened event', async () => {
    const application = await apply('Ada Lovelace', '1990-04-02');
    const expected = await new SandboxScreeningProvider().screen({
      applicant: { fullName: 'Ada Lovelace', dateOfBirth: '1990-04-02' },
      idempotencyKey: application.id,
    });

    const job = await runJob(application.id);

    expect(job).toMatchObject({ state: 'completed', returnValue: { status: 'done' } });
    const decided = await applications.findById(application.id);
    expect(decided).toMatchObject({
      status: 'screened',
      applicantDateOfBirth: null,
      // The name stays until the host decides (or the retention job expires the application).
      applicantFullName: 'Ada Lovelace',
      decidedAt: null,
      outcome: {
        outcome: expected.outcome,
        score: expected.score,
        reasons: expected.reasons,
        reference: expected.reference,
      },
    });
    expect(decided?.screenedAt).toBeInstanceOf(Date);
    const rows = await outboxRows(application.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      type: 'application.screened',
      payload: {
        type: 'application.screened',
        data: {
          applicationId: application.id,
          propertyId,
          guestId: application.guestId,
          outcome: expected.outcome,
        },
      },
    });
  });

  it('skips a second run of the same job without writing a second event', async () => {
    const application = await apply('Grace Hopper', '1985-12-09');
    await runJob(application.id);
    const first = await applications.findById(application.id);

    // A redelivery, e.g. the job re-added after its completed copy expired.
    const again = await runJob(application.id, `${application.id}-redelivered`);

    expect(again).toMatchObject({ state: 'completed', returnValue: { status: 'skipped' } });
    expect(await applications.findById(application.id)).toEqual(first);
    expect(await outboxRows(application.id)).toHaveLength(1);
  });

  it('applies the sandbox rules: demo names and minors', async () => {
    const declined = await apply('Dee Decline', '1980-01-01');
    const review = await apply('Rita Review', '1980-01-01');
    const minor = await apply('Young Applicant', `${new Date().getUTCFullYear() - 16}-01-01`);

    await Promise.all([declined, review, minor].map((a) => runJob(a.id)));

    expect(await applications.findById(declined.id)).toMatchObject({
      status: 'screened',
      outcome: { outcome: 'declined' },
      applicantDateOfBirth: null,
    });
    expect(await applications.findById(review.id)).toMatchObject({
      status: 'screened',
      outcome: { outcome: 'review' },
      applicantDateOfBirth: null,
    });
    expect(await applications.findById(minor.id)).toMatchObject({
      status: 'screened',
      outcome: { reasons: ['applicant_under_18'] },
      applicantDateOfBirth: null,
    });
    const events = await outboxRows(minor.id);
    expect(events.map((e) => e.payload.data.outcome)).toEqual(['declined']);
  });

  it('declines without consent', async () => {
    const application = await apply('Ada Lovelace', '1990-04-02', new Date(Date.now() + 3_600_000));

    await runJob(application.id);

    expect(await applications.findById(application.id)).toMatchObject({
      status: 'screened',
      outcome: { outcome: 'declined', reasons: ['no_consent'] },
      applicantDateOfBirth: null,
    });
    expect(await outboxRows(application.id)).toHaveLength(1);
  });

  it('records nothing for an application the retention job expired before its check ran', async () => {
    const application = await apply('Ada Lovelace', '1990-04-02');
    await dataSource.query(
      `UPDATE rentals.applications
          SET status = 'expired', purged_at = now(), applicant_full_name = NULL, applicant_date_of_birth = NULL
        WHERE id = $1`,
      [application.id],
    );

    expect(await runJob(application.id)).toMatchObject({
      state: 'completed',
      returnValue: { status: 'skipped' },
    });
    expect(await applications.findById(application.id)).toMatchObject({ status: 'expired', outcome: null });
    expect(await outboxRows(application.id)).toHaveLength(0);
  });

  it('skips a job for an application that does not exist', async () => {
    expect(await runJob(randomUUID())).toMatchObject({
      state: 'completed',
      returnValue: { status: 'skipped' },
    });
  });

  describe('when the provider is down', () => {
    let direct: INestApplicationContext;
    const unavailable: ScreeningProvider = {
      screen: () => Promise.reject(new Error('provider answered 503')),
    };

    beforeAll(async () => {
      direct = await Test.createTestingModule({ imports: [AppModule.forRoot(config, isolated())] })
        .overrideProvider(SCREENING_PROVIDER)
        .useValue(unavailable)
        .compile();
      await direct.init();
    });

    afterAll(async () => {
      await direct.close();
    });

    it('throws (so the job is retried) and keeps the application undecided', async () => {
      const application = await apply('Ada Lovelace', '1990-04-02');

      await expect(
        direct.get(ScreeningService).screen(application.id, { isFinalAttempt: false }),
      ).rejects.toThrow(/503/);

      expect(await applications.findById(application.id)).toMatchObject({
        status: 'screening',
        applicantDateOfBirth: '1990-04-02',
      });
      expect(await outboxRows(application.id)).toHaveLength(0);
    });

    it('sends the application to review on the last attempt instead of leaving it undecided', async () => {
      const application = await apply('Ada Lovelace', '1990-04-02');

      expect(await direct.get(ScreeningService).screen(application.id, { isFinalAttempt: true })).toEqual({
        status: 'done',
      });

      expect(await applications.findById(application.id)).toMatchObject({
        status: 'screened',
        outcome: { outcome: 'review', reasons: ['screening_unavailable'] },
        applicantDateOfBirth: null,
      });
      expect(await outboxRows(application.id)).toHaveLength(1);
    });
  });
});
