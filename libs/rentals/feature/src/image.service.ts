import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError, ErrorCode } from '@rentguy/contracts';
import type { Principal } from '@rentguy/platform/http';
import { JobQueue } from '@rentguy/platform/queue';
import { BLOB_STORAGE, isValidBlobKey, type BlobStorage, type StoredBlob } from '@rentguy/platform/storage';
import { ImageRepository, PropertyRepository } from '@rentguy/rentals/data-access';
import { detectImageType, IMAGE_SIGNATURE_BYTES, type ImageStatus } from '@rentguy/rentals/domain';
import { ListingCache } from './listing.cache';
import { peek, type Upload } from './upload.stream';
import { describeError } from '@rentguy/platform/errors';

/** Blob key of an uploaded original; variants live next to it, under the same image prefix. */
export const originalImageKey = (propertyId: string, imageId: string): string =>
  `properties/${propertyId}/images/${imageId}/original`;

// Originals keep the uploader's EXIF (GPS included) until the worker strips it into variants, so
// only variants are ever served.
const SERVABLE_KEY = /^properties\/[0-9a-f-]{36}\/images\/[0-9a-f-]{36}\/(?!original$)[^/]+$/;

@Injectable()
export class ImageService {
  private readonly logger = new Logger(ImageService.name);

  constructor(
    private readonly properties: PropertyRepository,
    private readonly images: ImageRepository,
    private readonly jobs: JobQueue,
    private readonly cache: ListingCache,
    @Inject(BLOB_STORAGE) private readonly storage: BlobStorage,
  ) {}

  /**
   * Stores an image for the property's host or an admin (as for edits and image deletes) and
   * queues its processing. The upload is only read once the caller is known to be allowed. The job
   * is enqueued after the row is committed; if that fails, the pending-jobs sweep enqueues it later.
   */
  async upload(
    user: Principal,
    propertyId: string,
    openUpload: () => Promise<Upload>,
  ): Promise<{ id: string; status: ImageStatus }> {
    const property = await this.properties.findById(propertyId);
    if (!property) {
      throw new DomainError(ErrorCode.NotFound, 'property not found');
    }
    if (property.hostId !== user.id && user.role !== 'admin') {
      throw new DomainError(ErrorCode.Forbidden, 'only the host of this property can add images');
    }
    const upload = await openUpload();
    const { head, stream } = await peek(upload.stream, IMAGE_SIGNATURE_BYTES);
    const contentType = detectImageType(head);
    if (!contentType) {
      stream.destroy();
      throw new DomainError(ErrorCode.UnsupportedMediaType, 'only JPEG, PNG and WebP images are accepted');
    }
    const imageId = randomUUID();
    const originalKey = originalImageKey(property.id, imageId);
    await this.storage.put(originalKey, stream, contentType);
    try {
      await this.images.insert({ id: imageId, propertyId: property.id, originalKey, contentType });
    } catch (error) {
      await this.storage.delete(originalKey);
      throw error;
    }
    await this.cache.propertyChanged(property.id);
    await this.enqueueProcessing(imageId, property.id, originalKey);
    return { id: imageId, status: 'processing' };
  }

  /**
   * Queues `image.process`; the deterministic job id makes a repeat a no-op. `retryFailed` (the
   * sweep) also retries a job kept after failing for good while the image is still `processing`.
   */
  async enqueueProcessing(
    imageId: string,
    propertyId: string,
    originalKey: string,
    { retryFailed = false }: { retryFailed?: boolean } = {},
  ): Promise<void> {
    const data = { imageId, propertyId, originalKey };
    try {
      if (retryFailed) {
        await this.jobs.enqueueOrRetryFailed('images', 'image.process', data, { entityId: imageId });
      } else {
        await this.jobs.enqueue('images', 'image.process', data, { entityId: imageId });
      }
    } catch (error) {
      this.logger.warn(
        `image ${imageId} stored but not queued, the pending-jobs sweep will retry: ${describeError(error)}`,
      );
    }
  }

  /**
   * Removes an image of a property, for its host or an admin: the row first (so it is never listed
   * again), then its files. A file left behind by a storage failure is logged; the original, which
   * still carries the uploader's EXIF, is never served either way.
   */
  async delete(user: Principal, propertyId: string, imageId: string): Promise<void> {
    const property = await this.properties.findById(propertyId);
    if (!property) {
      throw new DomainError(ErrorCode.NotFound, 'property not found');
    }
    if (property.hostId !== user.id && user.role !== 'admin') {
      throw new DomainError(ErrorCode.Forbidden, 'only the host of this property can remove images');
    }
    const image = await this.images.delete(imageId, property.id);
    if (!image) {
      throw new DomainError(ErrorCode.NotFound, 'image not found');
    }
    await this.cache.propertyChanged(property.id);
    for (const key of [image.originalKey, ...image.variants.map((variant) => variant.key)]) {
      try {
        await this.storage.delete(key);
      } catch (error) {
        this.logger.warn(`image ${image.id} deleted but its file ${key} was not: ${describeError(error)}`);
      }
    }
  }

  /** A public image variant; anything else, originals included, does not exist for the public. */
  async openVariant(key: string): Promise<StoredBlob> {
    const blob = isValidBlobKey(key) && SERVABLE_KEY.test(key) ? await this.storage.get(key) : null;
    if (!blob) {
      throw new DomainError(ErrorCode.NotFound, 'image not found');
    }
    return blob;
  }
}
