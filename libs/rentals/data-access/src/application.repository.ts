import { Injectable } from '@nestjs/common';
import type { Tx } from '@rentguy/platform/database';
import type { ScreeningDecision } from '@rentguy/rentals/domain';
import { DataSource, LessThan } from 'typeorm';
import { ApplicationEntity } from './application.entity';
import { returnedRows } from './sql-result.util';

export type NewApplication = Pick<
  ApplicationEntity,
  'id' | 'propertyId' | 'guestId' | 'consentAt' | 'applicantFullName' | 'applicantDateOfBirth'
>;

/** The parties of a decided application, for the `application.screened` event. */
export interface DecidedApplication {
  id: string;
  propertyId: string;
  guestId: string;
}

@Injectable()
export class ApplicationRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Records an application as `screening`. */
  async insert(application: NewApplication, tx: Tx = this.dataSource.manager): Promise<ApplicationEntity> {
    const repository = tx.getRepository(ApplicationEntity);
    await repository.insert(repository.create({ ...application, status: 'screening' }));
    return repository.findOneByOrFail({ id: application.id });
  }

  /** The application including the applicant's personal data while it is still kept. */
  findById(id: string, tx: Tx = this.dataSource.manager): Promise<ApplicationEntity | null> {
    return tx.getRepository(ApplicationEntity).findOneBy({ id });
  }

  /** Applications still `screening` that were made before `before`: their job may have been lost. */
  findScreeningBefore(before: Date, limit: number): Promise<ApplicationEntity[]> {
    return this.dataSource.getRepository(ApplicationEntity).find({
      where: { status: 'screening', createdAt: LessThan(before) },
      order: { createdAt: 'ASC' },
      take: limit,
    });
  }

  /**
   * Stores the decision and purges the date of birth in one statement. Returns null when the
   * application is gone or was decided before, so a redelivered job decides nothing twice.
   */
  async recordDecision(
    id: string,
    decision: ScreeningDecision,
    decidedAt: Date,
    tx: Tx,
  ): Promise<DecidedApplication | null> {
    const result: unknown = await tx.query(
      `UPDATE rentals.applications
          SET status = $2, outcome = $3::jsonb, decided_at = $4, applicant_date_of_birth = NULL
        WHERE id = $1 AND status = 'screening'
        RETURNING id, property_id AS "propertyId", guest_id AS "guestId"`,
      [id, decision.outcome, JSON.stringify(decision), decidedAt],
    );
    return returnedRows<DecidedApplication>(result)[0] ?? null;
  }
}
