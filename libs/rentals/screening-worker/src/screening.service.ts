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
 * Screens applications: asks the provider (outside any transaction, it is a network call), then
 * stores its outcome, hands the application to the host (`screened`), purges the applicant's date
 * of birth and writes `application.screened` to the outbox in one transaction. The host decides
 * (docs/architecture.md#tenant-applications). A job for an application already screened is skipped.
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
    const screenedAt = new Date();
    const recorded = await this.transactions.run(async (tx) => {
      const screened = await this.applications.recordScreening(application.id, decision, screenedAt, tx);
      if (!screened) {
        return false;
      }
      await this.outbox.add(tx, 'application.screened', screened.id, {
        applicationId: screened.id,
        propertyId: screened.propertyId,
        guestId: screened.guestId,
        outcome: decision.outcome,
      });
      return true;
    });
    if (!recorded) {
      // Another run of this job screened first (a stalled job picked up twice), or the retention
      // job expired the application meanwhile; either way nothing more is recorded.
      return {
        status: 'skipped',
        reason: `application ${applicationId} was screened or expired concurrently`,
      };
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
    if (!application.applicantDateOfBirth || !application.applicantFullName) {
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
