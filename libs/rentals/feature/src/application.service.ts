import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DomainError, ErrorCode } from '@rentguy/contracts';
import { TransactionRunner } from '@rentguy/platform/database';
import { describeError } from '@rentguy/platform/errors';
import type { Principal } from '@rentguy/platform/http';
import { OutboxWriter } from '@rentguy/platform/messaging';
import { JobQueue } from '@rentguy/platform/queue';
import {
  ApplicationRepository,
  PropertyRepository,
  type ApplicationListCriteria,
} from '@rentguy/rentals/data-access';
import { decisionRefusal, isVisibleTo, type ApplicationStatus } from '@rentguy/rentals/domain';
import type { CreateApplicationDto } from './create-application.dto';
import type { DecideApplicationDto } from './decide-application.dto';
import {
  HOST_APPLICATION_STATUSES,
  type GuestApplicationsQuery,
  type HostApplicationsQuery,
} from './listing.dto';
import { newestFirstPage, type Page } from './page-cursor';
import { PropertyService } from './property.service';
import { RentalsMetrics } from './rentals.metrics';
import { toApplicationView, type ApplicationView } from './rentals.views';

const REFUSALS = {
  still_screening: 'the application is still being screened',
  already_decided: 'the application has been decided already',
  expired: 'the application expired undecided',
} as const;

@Injectable()
export class ApplicationService {
  private readonly logger = new Logger(ApplicationService.name);

  constructor(
    private readonly properties: PropertyRepository,
    private readonly listings: PropertyService,
    private readonly applications: ApplicationRepository,
    private readonly jobs: JobQueue,
    private readonly transactions: TransactionRunner,
    private readonly outbox: OutboxWriter,
    private readonly metrics: RentalsMetrics,
  ) {}

  /** Records the application with the applicant's consent and queues the background check. */
  async create(
    guest: Principal,
    dto: CreateApplicationDto,
    now: Date = new Date(),
  ): Promise<{ id: string; status: ApplicationStatus }> {
    const property = await this.properties.findById(dto.propertyId);
    if (!property) {
      throw new DomainError(ErrorCode.NotFound, 'property not found', { field: 'propertyId' });
    }
    const application = await this.applications.insert({
      id: randomUUID(),
      propertyId: property.id,
      guestId: guest.id,
      consentAt: now,
      applicantFullName: dto.applicant.fullName,
      applicantDateOfBirth: dto.applicant.dateOfBirth,
    });
    await this.enqueueScreening(application.id);
    return { id: application.id, status: application.status };
  }

  /** Visible to the applicant and to the property's host; to anyone else it does not exist. */
  async get(user: Principal, id: string): Promise<ApplicationView> {
    const application = await this.applications.findById(id);
    // The property is read only when the viewer is not the guest (it can only be the host then).
    const property =
      application && application.guestId !== user.id
        ? await this.properties.findById(application.propertyId)
        : null;
    if (!application || !isVisibleTo(user.id, application, property)) {
      throw new DomainError(ErrorCode.NotFound, 'application not found');
    }
    return toApplicationView(application);
  }

  /** One page of the caller's own applications, newest first. */
  listOwn(guest: Principal, query: GuestApplicationsQuery): Promise<Page<ApplicationView>> {
    return this.page('guest-applications', query, {
      guestId: guest.id,
      ...(query.status !== undefined && { statuses: [query.status] }),
    });
  }

  /**
   * One page of the screened applications on the caller's properties, newest first; with
   * `propertyId`, of that property, which must be the caller's (another host's does not exist: 404).
   */
  async listForHost(host: Principal, query: HostApplicationsQuery): Promise<Page<ApplicationView>> {
    if (query.propertyId !== undefined) {
      await this.listings.requireOwn(host, query.propertyId);
    }
    return this.page('host-applications', query, {
      hostId: host.id,
      propertyId: query.propertyId,
      statuses: query.status !== undefined ? [query.status] : HOST_APPLICATION_STATUSES,
    });
  }

  /**
   * The property's host approves or declines a screened application, once. In one transaction:
   * the decision (who, when, why), the purge of the applicant's personal data and
   * `application.decided` in the outbox. Another host's application does not exist for the caller.
   */
  async decide(host: Principal, id: string, dto: DecideApplicationDto): Promise<ApplicationView> {
    const decidedAt = new Date();
    const decided = await this.transactions.run(async (tx) => {
      const found = await this.applications.findForDecision(id, tx);
      if (!found || found.hostId !== host.id) {
        throw new DomainError(ErrorCode.NotFound, 'application not found');
      }
      const refusal = decisionRefusal(found.application.status);
      if (refusal) {
        throw new DomainError(ErrorCode.Conflict, REFUSALS[refusal], {
          reason: refusal,
          status: found.application.status,
        });
      }
      const application = await this.applications.recordHostDecision(
        id,
        { decision: dto.decision, reason: dto.reason, decidedBy: host.id, decidedAt },
        tx,
      );
      if (!application) {
        // The row is locked and was `screened`: only a bug gets here.
        throw new Error(`application ${id} could not be decided`);
      }
      await this.outbox.add(tx, 'application.decided', id, {
        applicationId: id,
        propertyId: application.propertyId,
        propertyTitle: found.propertyTitle,
        hostId: host.id,
        guestId: application.guestId,
        decision: dto.decision,
        reason: dto.reason,
        decidedAt: decidedAt.toISOString(),
      });
      return application;
    });
    this.metrics.applicationDecisions.inc({ decision: dto.decision });
    // The record itself (who, when, why) is the row; the log line says who decided what, not why.
    this.logger.log(`application ${id} ${dto.decision} by host ${host.id} at ${decidedAt.toISOString()}`);
    return toApplicationView(decided);
  }

  /**
   * Queues `application.screen`; the deterministic job id makes a repeat a no-op. `retryFailed`
   * (the sweep) also retries a job kept after failing for good while the application is undecided.
   */
  async enqueueScreening(
    applicationId: string,
    { retryFailed = false }: { retryFailed?: boolean } = {},
  ): Promise<void> {
    try {
      if (retryFailed) {
        await this.jobs.enqueueOrRetryFailed(
          'screening',
          'application.screen',
          { applicationId },
          { entityId: applicationId },
        );
      } else {
        await this.jobs.enqueue(
          'screening',
          'application.screen',
          { applicationId },
          { entityId: applicationId },
        );
      }
    } catch (error) {
      this.logger.warn(
        `application ${applicationId} stored but not queued, the pending-jobs sweep will retry: ${describeError(error)}`,
      );
    }
  }

  private page(
    scope: string,
    query: { limit?: number; cursor?: string },
    filter: Omit<ApplicationListCriteria, 'limit' | 'after'>,
  ): Promise<Page<ApplicationView>> {
    return newestFirstPage(
      scope,
      query,
      (limit, after) => this.applications.list({ ...filter, limit, after }),
      (row) => toApplicationView(row),
    );
  }
}
