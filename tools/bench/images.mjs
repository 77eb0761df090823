// P5: photos uploaded through the gateway until every one is `ready` (upload, queue, image-worker,
// storage, database), against a raw sharp loop rendering the same variants of the same photos in
// this process with the worker's concurrency: what the platform costs on top of libvips' own work,
// for the image-worker (from the first photo stored) and end to end (uploads included).
import { createRequire } from 'node:module';
import pg from 'pg';
import sharp from 'sharp';
import { root } from '../dev/dev-env.mjs';
import { poll } from './measure.mjs';

const require = createRequire(import.meta.url);
const { VARIANT_FORMATS, VARIANT_WIDTHS, variantWidths } = require(
  `${root}/dist/libs/rentals/image-worker/src/variant.policy.js`,
);

/** Distinct camera-sized JPEGs (a colour gradient under mild noise, so each encodes like a photo). */
export async function benchPhotos(count, width = 4000, height = 3000) {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const noise = await sharp({
        create: { width, height, channels: 3, noise: { type: 'gaussian', mean: 40 + i * 5, sigma: 12 } },
      })
        .png()
        .toBuffer();
      return sharp({
        create: { width, height, channels: 3, background: { r: 30 + i * 9, g: 120, b: 200 - i * 5 } },
      })
        .composite([{ input: noise, blend: 'soft-light' }])
        .jpeg({ quality: 88 })
        .toBuffer();
    }),
  );
}

/** The worker's pipeline for one photo (dimensions, then every width × format), in plain sharp. */
async function renderRaw(photo, quality, limitInputPixels) {
  const options = { failOn: 'error', limitInputPixels };
  const { autoOrient } = await sharp(photo, options).metadata();
  for (const width of variantWidths(autoOrient.width, VARIANT_WIDTHS)) {
    for (const format of VARIANT_FORMATS) {
      const pipeline = sharp(photo, options).autoOrient().resize({ width, withoutEnlargement: true });
      if (format === 'jpeg') {
        pipeline.flatten({ background: '#ffffff' }).jpeg({ quality, mozjpeg: true });
      } else {
        pipeline.webp({ quality });
      }
      await pipeline.toBuffer();
    }
  }
}

/** Photos per second of the raw loop, `concurrency` photos at a time. */
export async function rawSharpLoop(photos, { concurrency, quality, limitInputPixels }) {
  sharp.cache(false);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < photos.length) {
        await renderRaw(photos[next++], quality, limitInputPixels);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { seconds, perSecond: photos.length / seconds };
}

/**
 * Photos per second through the gateway: end to end (from the first upload to the last photo
 * `ready`), and the image-worker's (from the first photo stored, when its job is queued, to the last
 * `ready`, by the rows' own timestamps; the other uploads still arrive meanwhile).
 */
export async function platformPipeline(photos, { gateway, propertyId, hostToken, databaseUrl }) {
  const started = performance.now();
  const ids = await Promise.all(
    photos.map(async (photo, i) => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), `photo-${i}.jpg`);
      const response = await fetch(`${gateway}/v1/properties/${propertyId}/images`, {
        method: 'POST',
        headers: { authorization: `Bearer ${hostToken}` },
        body: form,
      });
      if (response.status !== 202) {
        throw new Error(`image upload → ${response.status} ${await response.text()}`);
      }
      return (await response.json()).id;
    }),
  );
  const wanted = new Set(ids);
  const images = await poll(
    `${photos.length} images to be processed`,
    async () => {
      const property = await (await fetch(`${gateway}/v1/properties/${propertyId}`)).json();
      const mine = (property.images ?? []).filter((image) => wanted.has(image.id));
      return mine.every((image) => image.status !== 'processing') && mine.length === wanted.size
        ? mine
        : null;
    },
    300_000,
  );
  const seconds = (performance.now() - started) / 1000;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let window;
  try {
    ({
      rows: [window],
    } = await client.query(
      `SELECT extract(epoch FROM max(updated_at) - min(created_at))::float8 AS seconds
         FROM rentals.images WHERE id = ANY($1::uuid[])`,
      [[...wanted]],
    ));
  } finally {
    await client.end();
  }
  return {
    seconds,
    perSecond: photos.length / seconds,
    workerSeconds: window.seconds,
    workerPerSecond: photos.length / window.seconds,
    ready: images.filter((image) => image.status === 'ready').length,
  };
}
