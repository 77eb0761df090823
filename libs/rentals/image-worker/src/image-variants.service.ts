import { buffer } from 'node:stream/consumers';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { propertyCacheTag, type JobData } from '@rentguy/contracts';
import { InjectConfig, type ConfigOf } from '@rentguy/platform/config';
import { ReadCache } from '@rentguy/platform/cache';
import type { JobOutcome } from '@rentguy/platform/queue';
import { BLOB_STORAGE, type BlobStorage } from '@rentguy/platform/storage';
import { ImageRepository, type ImageEntity } from '@rentguy/rentals/data-access';
import { detectImageType, IMAGE_SIGNATURE_BYTES } from '@rentguy/rentals/domain';
import { imageWorkerConfig } from './image-worker.config';
import { ImagesMetrics, type ImageRejection } from './images.metrics';
import {
  SharpImageRepository,
  UnreadableImageError,
  type DecodeLimits,
  type EncodedImage,
} from './sharp-image.repository';
import {
  VARIANT_CONTENT_TYPES,
  VARIANT_FORMATS,
  variantKey,
  variantWidths,
  type WrittenVariant,
} from './variant.policy';
import { describeError } from '@rentguy/platform/errors';

export type ImageProcessJob = JobData<'images', 'image.process'>;

/**
 * Turns an uploaded original into metadata-free renditions and publishes them on the image row.
 * An input that cannot be processed marks the image `failed` (a retry would fail the same way);
 * storage and database errors are thrown so the queue retries the job.
 */
@Injectable()
export class ImageVariantsService {
  private readonly logger = new Logger(ImageVariantsService.name);
  private readonly limits: DecodeLimits;
  private readonly quality: number;

  constructor(
    private readonly images: ImageRepository,
    private readonly transformer: SharpImageRepository,
    @Inject(BLOB_STORAGE) private readonly storage: BlobStorage,
    private readonly metrics: ImagesMetrics,
    private readonly cache: ReadCache,
    @InjectConfig(imageWorkerConfig) config: ConfigOf<typeof imageWorkerConfig>,
  ) {
    this.limits = { maxInputPixels: config.IMAGE_MAX_INPUT_PIXELS };
    this.quality = config.IMAGE_VARIANT_QUALITY;
  }

  async process(job: ImageProcessJob): Promise<JobOutcome> {
    const image = await this.images.findById(job.imageId);
    if (!image) {
      return { status: 'skipped', reason: `image ${job.imageId} does not exist` };
    }
    if (image.status !== 'processing') {
      return { status: 'skipped', reason: `image ${image.id} is already ${image.status}` };
    }
    // The row, not the payload, says where the original is: a stale job cannot point elsewhere.
    const original = await this.readOriginal(image.originalKey);
    if (!original) {
      return this.reject(image, 'original_missing', 'the uploaded file is missing');
    }
    if (!detectImageType(original.subarray(0, IMAGE_SIGNATURE_BYTES))) {
      return this.reject(image, 'unsupported_type', 'the file is not a JPEG, PNG or WebP image');
    }
    let renditions: EncodedImage[];
    try {
      renditions = await this.render(original);
    } catch (error) {
      if (error instanceof UnreadableImageError) {
        return this.reject(image, 'unreadable', `the image cannot be read: ${error.message}`);
      }
      throw error;
    }

    const variants: WrittenVariant[] = [];
    for (const rendition of renditions) {
      const key = variantKey(image.propertyId, image.id, rendition.width, rendition.format);
      // Keys are deterministic and writes atomic: a retried job overwrites, it never duplicates.
      await this.storage.put(key, rendition.data, VARIANT_CONTENT_TYPES[rendition.format]);
      this.metrics.variantWritten(rendition.format);
      variants.push({
        width: rendition.width,
        height: rendition.height,
        format: rendition.format,
        key,
        bytes: rendition.data.length,
      });
    }
    if (!(await this.images.markReady(image.id, variants))) {
      await this.removeVariants(variants);
      return { status: 'skipped', reason: `image ${image.id} was deleted while processing` };
    }
    // The property's public page lists its images' states and variants.
    await this.cache.invalidate([propertyCacheTag(image.propertyId)]);
    return { status: 'done' };
  }

  private async readOriginal(key: string): Promise<Buffer | null> {
    const blob = await this.storage.get(key);
    return blob ? buffer(blob.stream) : null;
  }

  /** Every rendition, rendered before any is written, so an unreadable image leaves no files behind. */
  private async render(original: Buffer): Promise<EncodedImage[]> {
    const { width } = await this.transformer.dimensions(original, this.limits);
    const renditions: EncodedImage[] = [];
    for (const target of variantWidths(width)) {
      for (const format of VARIANT_FORMATS) {
        renditions.push(
          await this.transformer.encode(
            original,
            { width: target, format, quality: this.quality },
            this.limits,
          ),
        );
      }
    }
    return renditions;
  }

  private async reject(image: ImageEntity, reason: ImageRejection, message: string): Promise<JobOutcome> {
    await this.images.markFailed(image.id, message);
    await this.cache.invalidate([propertyCacheTag(image.propertyId)]);
    this.metrics.imageRejected(reason);
    this.logger.warn(
      `image ${image.id} of property ${image.propertyId} marked failed (${reason}): ${message}`,
    );
    return { status: 'done' };
  }

  private async removeVariants(variants: WrittenVariant[]): Promise<void> {
    await Promise.all(
      variants.map((variant) =>
        this.storage.delete(variant.key).catch((error: unknown) => {
          this.logger.warn(`could not remove orphaned ${variant.key}: ${describeError(error)}`);
        }),
      ),
    );
  }
}
