import type { ApplicationStatus, ScreeningDecision } from '@rentguy/rentals/domain';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A rental application; the applicant's personal data is purged once screening has decided. */
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

  @Column('text', { name: 'applicant_full_name' })
  applicantFullName!: string;

  /** ISO date; null once the decision is made. */
  @Column('date', { name: 'applicant_date_of_birth', nullable: true })
  applicantDateOfBirth!: string | null;

  @Column('jsonb', { nullable: true })
  outcome!: ScreeningDecision | null;

  @Column('timestamptz', { name: 'decided_at', nullable: true })
  decidedAt!: Date | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;
}
