import { Injectable } from '@nestjs/common';
import type { Tx } from '@rentguy/platform/database';
import type { ImageVariant } from '@rentguy/rentals/domain';
import { DataSource, LessThan } from 'typeorm';
import { ImageEntity } from './image.entity';
import { returnedRows } from './sql-result.util';

export type NewImage = Pick<ImageEntity, 'id' | 'propertyId' | 'originalKey' | 'contentType'>;

@Injectable()
export class ImageRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Records an uploaded original as `processing`. */
  async insert(image: NewImage, tx: Tx = this.dataSource.manager): Promise<ImageEntity> {
    const repository = tx.getRepository(ImageEntity);
    await repository.insert(repository.create({ ...image, status: 'processing', variants: [] }));
    return repository.findOneByOrFail({ id: image.id });
  }

  findById(id: string, tx: Tx = this.dataSource.manager): Promise<ImageEntity | null> {
    return tx.getRepository(ImageEntity).findOneBy({ id });
  }

  /** The property's images in upload order. */
  listByProperty(propertyId: string): Promise<ImageEntity[]> {
    return this.dataSource
      .getRepository(ImageEntity)
      .find({ where: { propertyId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Images still `processing` that were uploaded before `before`: their job may have been lost. */
  findProcessingBefore(before: Date, limit: number): Promise<ImageEntity[]> {
    return this.dataSource.getRepository(ImageEntity).find({
      where: { status: 'processing', createdAt: LessThan(before) },
      order: { createdAt: 'ASC' },
      take: limit,
    });
  }

  /** Deletes the image of the property and returns what it was; null when there is none. */
  async delete(
    id: string,
    propertyId: string,
    tx: Tx = this.dataSource.manager,
  ): Promise<ImageEntity | null> {
    const image = await tx.getRepository(ImageEntity).findOneBy({ id, propertyId });
    if (!image) {
      return null;
    }
    await tx.getRepository(ImageEntity).delete({ id, propertyId });
    return image;
  }

  /** Publishes the variants of an image; false when the image no longer exists. */
  async markReady(id: string, variants: ImageVariant[], tx: Tx = this.dataSource.manager): Promise<boolean> {
    const result: unknown = await tx.query(
      `UPDATE rentals.images SET status = 'ready', variants = $2::jsonb, error = NULL, updated_at = now()
        WHERE id = $1 RETURNING id`,
      [id, JSON.stringify(variants)],
    );
    return returnedRows(result).length > 0;
  }

  /** Gives up on an image (e.g. the file is not a decodable image); false when it no longer exists. */
  async markFailed(id: string, error: string, tx: Tx = this.dataSource.manager): Promise<boolean> {
    const result: unknown = await tx.query(
      `UPDATE rentals.images SET status = 'failed', error = $2, updated_at = now() WHERE id = $1 RETURNING id`,
      [id, error.slice(0, 2000)],
    );
    return returnedRows(result).length > 0;
  }
}
