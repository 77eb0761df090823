import { Injectable } from '@nestjs/common';
import type { Tx } from '@rentguy/platform/database';
import type { HostDecision, ScreeningDecision } from '@rentguy/rentals/domain';
import { DataSource, LessThan } from 'typeorm';
import { ApplicationEntity } from './application.entity';
import { applicationListQuery, schemaOf, type ApplicationListCriteria } from './listing.queries';
import { returnedRows } from './sql-result.util';

export type NewApplication = Pick<
  ApplicationEntity,
  'id' | 'propertyId' | 'guestId' | 'consentAt' | 'applicantFullName' | 'applicantDateOfBirth'
>;

/** The parties of a screened application, for the `application.screened` event. */
export interface ScreenedApplication {
  id: string;
  propertyId: string;
  guestId: string;
}

/** An application row of a list, with the exact text of `created_at` that a page key carries. */
export type ListedApplication = Omit<ApplicationEntity, 'applicantFullName' | 'applicantDateOfBirth'> & {
  createdAtKey: string;
};

/** An application with its property's host and title, row-locked for a decision. */
export interface ApplicationForDecision {
  application: ApplicationEntity;
  hostId: string;
  propertyTitle: string;
}

export interface HostDecisionRecord {
  decision: HostDecision;
  reason: string;
  decidedBy: string;
  decidedAt: Date;
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

  /** One page of an applicant's applications or of those on a host's properties, newest first. */
  list(criteria: ApplicationListCriteria): Promise<ListedApplication[]> {
    const { sql, params } = applicationListQuery(schemaOf(this.dataSource), criteria);
    return this.dataSource.query(sql, params) as Promise<ListedApplication[]>;
  }

  /**
   * Stores screening's outcome, hands the application to the host (`screened`) and purges the date
   * of birth in one statement. Returns null when the application is gone or was screened (or
   * expired) before, so a redelivered job records nothing twice.
   */
  async recordScreening(
    id: string,
    decision: ScreeningDecision,
    screenedAt: Date,
    tx: Tx,
  ): Promise<ScreenedApplication | null> {
    const result: unknown = await tx.query(
      `UPDATE rentals.applications
          SET status = 'screened', outcome = $2::jsonb, screened_at = $3, applicant_date_of_birth = NULL
        WHERE id = $1 AND status = 'screening'
        RETURNING id, property_id AS "propertyId", guest_id AS "guestId"`,
      [id, JSON.stringify(decision), screenedAt],
    );
    return returnedRows<ScreenedApplication>(result)[0] ?? null;
  }

  /** The application and its property's host, locked until `tx` ends so two decisions queue up. */
  async findForDecision(id: string, tx: Tx): Promise<ApplicationForDecision | null> {
    const application = await tx
      .getRepository(ApplicationEntity)
      .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!application) {
      return null;
    }
    const rows = (await tx.query(`SELECT host_id AS "hostId", title FROM rentals.properties WHERE id = $1`, [
      application.propertyId,
    ])) as { hostId: string; title: string }[];
    const property = rows[0];
    return property ? { application, hostId: property.hostId, propertyTitle: property.title } : null;
  }

  /**
   * Records the host's decision and purges the applicant's personal data in one statement; only a
   * `screened` application can be decided, so this returns null for any other.
   */
  async recordHostDecision(
    id: string,
    record: HostDecisionRecord,
    tx: Tx,
  ): Promise<ApplicationEntity | null> {
    const result: unknown = await tx.query(
      `UPDATE rentals.applications
          SET status = $2, decision_reason = $3, decided_by = $4, decided_at = $5, purged_at = $5,
              applicant_full_name = NULL, applicant_date_of_birth = NULL
        WHERE id = $1 AND status = 'screened'
        RETURNING id`,
      [id, record.decision, record.reason, record.decidedBy, record.decidedAt],
    );
    return returnedRows<{ id: string }>(result).length > 0 ? this.findById(id, tx) : null;
  }

  /**
   * Expires up to `limit` applications made before `before` that nobody decided, purging the
   * applicant's personal data; concurrent runs skip each other's rows. Returns the ids expired.
   */
  async expireUndecidedBefore(before: Date, limit: number, now: Date): Promise<string[]> {
    const result: unknown = await this.dataSource.query(
      `UPDATE rentals.applications a
          SET status = 'expired', purged_at = $3, applicant_full_name = NULL, applicant_date_of_birth = NULL
        WHERE a.id IN (
          SELECT id FROM rentals.applications
           WHERE status IN ('screening', 'screened') AND created_at < $1
           ORDER BY created_at
           LIMIT $2
           FOR UPDATE SKIP LOCKED)
        RETURNING a.id`,
      [before, limit, now],
    );
    return returnedRows<{ id: string }>(result).map((row) => row.id);
  }
}
