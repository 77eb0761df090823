import type { ApplicationStatus, ScreeningDecision } from '@rentguy/rentals/domain';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A rental application. The date of birth is purged once screening has run, the applicant's name
 * when the host decides or the retention job expires the application (`purgedAt`).
 */
@Entity({ schema: 'rentals', name: 'applications' })
export class ApplicationEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'property_id' })
  propertyId!: string;

  @Column('uuid', { name: 'guest_id' })
  guestId!: string;

  @Column('text')
  status!: ApplicationStatus;

  /** When the applicant consented to the background check; screening never runs without it. */
  @Column('timestamptz', { name: 'consent_at' })
  consentAt!: Date;

  /** Null once purged. */
  @Column('text', { name: 'applicant_full_name', nullable: true })
  applicantFullName!: string | null;

  /** ISO date; null once screening has run. */
  @Column('date', { name: 'applicant_date_of_birth', nullable: true })
  applicantDateOfBirth!: string | null;

  @Column('jsonb', { nullable: true })
  outcome!: ScreeningDecision | null;

  /** When screening stored its outcome and handed the application to the host. */
  @Column('timestamptz', { name: 'screened_at', nullable: true })
  screenedAt!: Date | null;

  /** When the host decided; with `decidedBy` and `decisionReason`, the decision's record. */
  @Column('timestamptz', { name: 'decided_at', nullable: true })
  decidedAt!: Date | null;

  /** The user id of the host who decided. */
  @Column('uuid', { name: 'decided_by', nullable: true })
  decidedBy!: string | null;

  @Column('text', { name: 'decision_reason', nullable: true })
  decisionReason!: string | null;

  /** When the applicant's personal data was purged (decision or retention). */
  @Column('timestamptz', { name: 'purged_at', nullable: true })
  purgedAt!: Date | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;
}
