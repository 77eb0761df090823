import { Inject, Injectable, Logger } from '@nestjs/common';
import type { JobContext, JobOutcome } from '@rentguy/platform/queue';
import { OutboxWriter } from '@rentguy/platform/messaging';
import { TransactionRunner } from '@rentguy/platform/database';
import { ApplicationRepository, type ApplicationEntity } from '@rentguy/rentals/data-access';
import type { ScreeningDecision } from '@rentguy/rentals/domain';
import { ScreeningMetrics } from './screening.metrics';
import { SCREENING_PROVIDER, type ScreeningProvider } from './screening.provider';
import { describeError } from '@rentguy/platform/errors';

/** The decision as stored on the application: the domain's fields plus the provider's score. */
export type RecordedDecision = ScreeningDecision & { score?: number; reasons: string[] };

/**
 * Decides applications: asks the provider (outside any transaction, it is a network call), then
 * stores the decision, purges the applicant's date of birth and writes `application.screened` to
 * the outbox in one transaction. A job for an application already decided is skipped.
 */
@Injectable()
export class ScreeningService {
  private readonly logger = new Logger(ScreeningService.name);

  constructor(
    private readonly applications: ApplicationRepository,
    private readonly transactions: TransactionRunner,
    private readonly outbox: OutboxWriter,
    @Inject(SCREENING_PROVIDER) private readonly provider: ScreeningProvider,
    private readonly metrics: ScreeningMetrics,
  ) {}

  async screen(applicationId: string, job: Pick<JobContext, 'isFinalAttempt'>): Promise<JobOutcome> {
    const application = await this.applications.findById(applicationId);
    if (!application) {
      return { status: 'skipped', reason: `application ${applicationId} does not exist` };
    }
    if (application.status !== 'screening') {
      return { status: 'skipped', reason: `application ${applicationId} is already ${application.status}` };
    }
    const decision = await this.decide(application, job);
    const decidedAt = new Date();
    const recorded = await this.transactions.run(async (tx) => {
      const decided = await this.applications.recordDecision(application.id, decision, decidedAt, tx);
      if (!decided) {
        return false;
      }
      await this.outbox.add(tx, 'application.screened', decided.id, {
        applicationId: decided.id,
        propertyId: decided.propertyId,
        guestId: decided.guestId,
        outcome: decision.outcome,
      });
      return true;
    });
    if (!recorded) {
      // Another run of this job decided first (a stalled job picked up twice); its event stands.
      return { status: 'skipped', reason: `application ${applicationId} was decided concurrently` };
    }
    this.metrics.decided(decision.outcome);
    return { status: 'done' };
  }

  private async decide(
    application: ApplicationEntity,
    job: Pick<JobContext, 'isFinalAttempt'>,
  ): Promise<RecordedDecision> {
    // The API refuses applications without consent; this guards against any other way in.
    if (!hasConsent(application)) {
      return { outcome: 'declined', reasons: ['no_consent'] };
    }
    if (!application.applicantDateOfBirth) {
      return { outcome: 'review', reasons: ['date_of_birth_missing'] };
    }
    try {
      const result = await this.provider.screen({
        applicant: { fullName: application.applicantFullName, dateOfBirth: application.applicantDateOfBirth },
        idempotencyKey: application.id,
      });
      return {
        outcome: result.outcome,
        score: result.score,
        reasons: result.reasons,
        reference: result.reference,
      };
    } catch (error) {
      if (!job.isFinalAttempt) {
        throw error;
      }
      // Out of retries: a person decides rather than the application waiting forever.
      this.logger.error(
        `screening provider failed on the last attempt for application ${application.id}, sending it to review: ${describeError(error)}`,
      );
      return { outcome: 'review', reasons: ['screening_unavailable'] };
    }
  }
}

function hasConsent(application: ApplicationEntity): boolean {
  const consentAt: Date | null = application.consentAt;
  return consentAt !== null && consentAt.getTime() <= Date.now();
}
