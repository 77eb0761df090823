import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DomainError, ErrorCode } from '@rentguy/contracts';
import type { Principal } from '@rentguy/platform/http';
import { JobQueue } from '@rentguy/platform/queue';
import { ApplicationRepository, PropertyRepository } from '@rentguy/rentals/data-access';
import { isVisibleTo, type ApplicationStatus } from '@rentguy/rentals/domain';
import type { CreateApplicationDto } from './create-application.dto';
import { isEntityId } from './entity-id';
import { toApplicationView, type ApplicationView } from './rentals.views';
import { describeError } from '@rentguy/platform/errors';

@Injectable()
export class ApplicationService {
  private readonly logger = new Logger(ApplicationService.name);

  constructor(
    private readonly properties: PropertyRepository,
    private readonly applications: ApplicationRepository,
    private readonly jobs: JobQueue,
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
    const application = isEntityId(id) ? await this.applications.findById(id) : null;
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
}
