import type { ImageStatus, ImageVariant } from '@rentguy/rentals/domain';
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ schema: 'rentals', name: 'images' })
export class ImageEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'property_id' })
  propertyId!: string;

  @Column('text')
  status!: ImageStatus;

  /** Blob storage key of the uploaded file, as received. */
  @Column('text', { name: 'original_key' })
  originalKey!: string;

  @Column('text', { name: 'content_type' })
  contentType!: string;

  @Column('jsonb', { default: () => "'[]'::jsonb" })
  variants!: ImageVariant[];

  @Column('text', { nullable: true })
  error!: string | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}
