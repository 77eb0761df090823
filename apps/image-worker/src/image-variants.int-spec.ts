import { randomUUID } from 'node:crypto';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { loadConfig } from '@rentguy/platform/config';
import { migrateSchema } from '@rentguy/platform/database';
import { MetricsRegistry } from '@rentguy/platform/metrics';
import { JobQueue, type JobSnapshot } from '@rentguy/platform/queue';
import { queueTesting } from '@rentguy/testing/queue';
import { testEnvironment } from '@rentguy/testing/platform';
import { BLOB_STORAGE, type BlobStorage } from '@rentguy/platform/storage';
import {
  ImageRepository,
  PropertyRepository,
  rentalsSchema,
  type ImageEntity,
} from '@rentguy/rentals/data-access';
import type { WrittenVariant } from '@rentguy/rentals/image-worker';
import sharp from 'sharp';
import { createApp } from './bootstrap';
import { appConfig } from './config';

// The image worker as it boots (createApp), against the test database, Redis and a temporary
// directory for its blobs.
const { databaseUrl: DATABASE_URL, redisUrl: REDIS_URL } = testEnvironment();

describe('image worker with PostgreSQL, Redis and filesystem storage', () => {
  let app: INestApplicationContext;
  let blobDir: string;
  let storage: BlobStorage;
  let jobs: JobQueue;
  let images: ImageRepository;
  let propertyId: string;

  beforeAll(async () => {
    await migrateSchema(rentalsSchema, { url: DATABASE_URL, applicationName: 'image-worker-test-migrate' });
    blobDir = await mkdtemp(join(tmpdir(), 'rentguy-images-'));
    const config = loadConfig(appConfig, {
      env: {
        LOG_LEVEL: 'silent',
        DATABASE_URL,
        DATABASE_POOL_SIZE: '4',
        REDIS_URL,
        CACHE_REDIS_URL: REDIS_URL,
        BLOB_STORAGE_DIR: blobDir,
        IMAGE_WORKER_CONCURRENCY: '2',
      },
    });
    const prefix = queueTesting.randomPrefix();
    app = await createApp(config, {
      cache: { prefix },
      queue: {
        prefix,
        jobDefaults: { images: { attempts: 3, backoff: { type: 'fixed', delayMs: 50 } } },
      },
    });
    await app.init();
    storage = app.get<BlobStorage>(BLOB_STORAGE);
    jobs = app.get(JobQueue);
    images = app.get(ImageRepository);
    propertyId = randomUUID();
    await app.get(PropertyRepository).insert({
      id: propertyId,
      hostId: randomUUID(),
      title: 'Loft by the canal',
      description: 'Bright, quiet, two bikes included.',
      city: 'Amsterdam',
      country: 'NL',
      nightlyPrice: 12_000,
      currency: 'EUR',
      maxGuests: 2,
    });
  });

  afterAll(async () => {
    await queueTesting.obliterateQueues(app);
    await app.close();
    await rm(blobDir, { recursive: true, force: true });
  });

  /** Stores `original` and records the image as the rentals API does on upload. */
  async function upload(original: Buffer, contentType = 'image/jpeg'): Promise<ImageEntity> {
    const id = randomUUID();
    const originalKey = `properties/${propertyId}/images/${id}/original`;
    await storage.put(originalKey, original, contentType);
    return images.insert({ id, propertyId, originalKey, contentType });
  }

  async function processImage(image: ImageEntity): Promise<JobSnapshot> {
    const jobId = await jobs.enqueue(
      'images',
      'image.process',
      { imageId: image.id, propertyId: image.propertyId, originalKey: image.originalKey },
      { entityId: image.id },
    );
    return queueTesting.waitForJobState(app, 'images', jobId, ['completed', 'failed'], 20_000);
  }

  const fileExists = (key: string): Promise<boolean> =>
    access(join(blobDir, key)).then(
      () => true,
      () => false,
    );

  it('writes metadata-free WebP and JPEG renditions and marks the image ready', async () => {
    const photo = await sharp({ create: { width: 2400, height: 1600, channels: 3, background: '#4a7a3b' } })
      .withExif({ IFD0: { Make: 'PhoneCo' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '52/1 22/1 0/1' } })
      .jpeg()
      .toBuffer();
    const image = await upload(photo);

    const job = await processImage(image);

    expect(job).toMatchObject({ state: 'completed', returnValue: { status: 'done' } });
    const ready = await images.findById(image.id);
    expect(ready?.status).toBe('ready');
    const variants = ready?.variants as WrittenVariant[];
    expect(variants.map((v) => `${v.width}x${v.height}.${v.format}`)).toEqual([
      '320x213.webp',
      '320x213.jpeg',
      '1024x683.webp',
      '1024x683.jpeg',
      '2048x1365.webp',
      '2048x1365.jpeg',
    ]);
    for (const variant of variants) {
      expect(variant.key).toMatch(
        new RegExp(`^properties/${propertyId}/images/${image.id}/${variant.width}\\.(webp|jpg)$`),
      );
      expect(await fileExists(variant.key)).toBe(true);
      const blob = await storage.get(variant.key);
      const bytes = Buffer.concat((await blob?.stream.toArray()) ?? []);
      expect(variant.bytes).toBe(bytes.length);
      const metadata = await sharp(bytes).metadata();
      expect(metadata).toMatchObject({
        format: variant.format,
        width: variant.width,
        height: variant.height,
      });
      expect(metadata.exif).toBeUndefined();
    }
    const metrics = await app.get(MetricsRegistry).render();
    expect(metrics).toMatch(/image_variants_written_total\{format="webp"\} [1-9]/);
  });

  it('renders a small image once, at its own size', async () => {
    const image = await upload(
      await sharp({ create: { width: 250, height: 250, channels: 4, background: '#ff000080' } })
        .png()
        .toBuffer(),
      'image/png',
    );

    await processImage(image);

    const ready = await images.findById(image.id);
    expect(ready?.status).toBe('ready');
    expect(ready?.variants.map((v) => `${v.width}.${v.format}`)).toEqual(['250.webp', '250.jpeg']);
  });

  it('marks an undecodable image failed with a reason, without retrying and without writing renditions', async () => {
    // A JPEG signature followed by garbage: accepted by the upload's sniffing, rejected by the decoder.
    const corrupt = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(4096, 0x41)]);
    const image = await upload(corrupt);

    const job = await processImage(image);

    expect(job).toMatchObject({ state: 'completed', attemptsMade: 1 });
    const failed = await images.findById(image.id);
    expect(failed?.status).toBe('failed');
    expect(failed?.error).toMatch(/cannot be read/);
    expect(failed?.variants).toEqual([]);
    expect(await fileExists(`properties/${propertyId}/images/${image.id}/320.webp`)).toBe(false);
  });

  it('marks an image failed when its original is missing', async () => {
    const image = await upload(
      await sharp({ create: { width: 10, height: 10, channels: 3, background: '#000' } })
        .jpeg()
        .toBuffer(),
    );
    await storage.delete(image.originalKey);

    await processImage(image);

    expect(await images.findById(image.id)).toMatchObject({
      status: 'failed',
      error: 'the uploaded file is missing',
    });
  });

  it('skips an image that no longer exists or is already ready', async () => {
    const gone = {
      id: randomUUID(),
      propertyId,
      originalKey: `properties/${propertyId}/images/x/original`,
    } as ImageEntity;
    expect(await processImage(gone)).toMatchObject({
      state: 'completed',
      returnValue: { status: 'skipped' },
    });

    const image = await upload(
      await sharp({ create: { width: 400, height: 300, channels: 3, background: '#fff' } })
        .jpeg()
        .toBuffer(),
    );
    const published: WrittenVariant[] = [
      {
        width: 400,
        height: 300,
        format: 'webp',
        key: `properties/${propertyId}/images/${image.id}/400.webp`,
        bytes: 1,
      },
    ];
    await images.markReady(image.id, published);

    const job = await processImage(image);

    expect(job).toMatchObject({ state: 'completed', returnValue: { status: 'skipped' } });
    expect((await images.findById(image.id))?.variants).toEqual(published);
  });
});
